#include "engine/training_session.h"

#include "config/config_json.h"
#include "data/dataset_loader.h"
#include "io/checkpoint_file.h"
#include "io/durable_run.h"
#include "io/folder_journal.h"
#include "training/run_resources.h"
#include "training/trainer.h"
#include "util/error_sentence.h"

namespace moelab {

namespace {

// Every failure the engine can raise, as one EngineError.
template <typename Body>
auto translating_errors(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const EngineError&) {
    throw;
  } catch (const DataError& e) {
    throw EngineError(EngineError::Kind::Data, e.what());
  } catch (const ConfigError& e) {
    throw EngineError(EngineError::Kind::Settings, e.what());
  } catch (const ForkError& e) {
    throw EngineError(EngineError::Kind::Settings, e.what());
  } catch (const std::invalid_argument& e) {
    throw EngineError(EngineError::Kind::Settings, e.what());
  } catch (const RunFolderError& e) {
    throw EngineError(EngineError::Kind::Folder, e.what());
  } catch (const FileError& e) {
    throw EngineError(EngineError::Kind::Folder, e.what());
  } catch (const CheckpointError& e) {
    throw EngineError(EngineError::Kind::Folder, e.what());
  } catch (const ReplayError& e) {
    throw EngineError(EngineError::Kind::Folder, e.what());
  } catch (const ResourceError& e) {
    throw EngineError(EngineError::Kind::Resources, e.what());
  } catch (const std::exception& e) {
    // LibTorch's errors without their stack trace; an allocation failure in words.
    throw EngineError(EngineError::Kind::Engine, error_sentence(e));
  }
}

DatasetInfo info_of(const DatasetSplit& data) {
  const auto& train = data.train;
  return {train.name,        train.size(),      data.validation.size(),
          data.test.size(), train.dimension(), train.num_classes,
          train.class_names};
}

}  // namespace

struct TrainingSession::Impl {
  RunConfig config;
  std::unique_ptr<DurableRun> durable;
  std::optional<DatasetSplit> data;
  DatasetInfo info;
};

TrainingSession::TrainingSession(const RunConfig& config, const SessionOptions& options)
    : impl_(std::make_unique<Impl>()) {
  translating_errors([&] {
    impl_->config = config;
    validate(config);
    std::optional<ForkRequest> fork;
    if (!options.fork_parent.empty()) {
      impl_->config = fork_config(options.fork_parent, options.fork_epoch, config,
                                  options.fork_switches_as_of_fork_point
                                      ? ForkFixes::AsOfForkPoint
                                      : ForkFixes::ChangesToParentConfig);
      fork = ForkRequest{options.fork_parent, options.fork_epoch};
    }
    // Before a folder is made or data read: a run that cannot fit leaves nothing behind.
    require_resources_before_loading(impl_->config);
    if (!options.folder.empty()) {
      DurableRunOptions folder;
      folder.dir = options.folder;
      folder.checkpoint_every = options.checkpoint_every;
      impl_->durable = std::make_unique<DurableRun>(folder, impl_->config, fork);
    } else if (fork) {
      throw EngineError(EngineError::Kind::Settings, "a fork needs a folder of its own");
    }
    impl_->data = load_dataset(impl_->config.data, impl_->config.training.seed);
    impl_->info = info_of(*impl_->data);
    return 0;
  });
}

TrainingSession::~TrainingSession() = default;

const DatasetInfo& TrainingSession::data() const { return impl_->info; }

const RunConfig& TrainingSession::config() const { return impl_->config; }

int TrainingSession::starting_epoch() const {
  return impl_->config.fork ? impl_->config.fork->at_epoch : 0;
}

RunResult TrainingSession::run(TrainingObserver* observer, TrainingControl* control) {
  return translating_errors([&] {
    if (!impl_->data) throw EngineError(EngineError::Kind::Engine, "this session has already run");
    DatasetSplit data = std::move(*impl_->data);
    impl_->data.reset();
    if (impl_->durable) return impl_->durable->run(std::move(data), observer, control);
    Trainer trainer(impl_->config, std::move(data), observer, control);
    return trainer.run();
  });
}

}  // namespace moelab
