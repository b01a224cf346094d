#include "ablation/ablation_runner.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>

#include "config/config_json.h"
#include "data/dataset_loader.h"
#include "io/durable_run.h"
#include "io/run_folder_reader.h"
#include "io/run_status.h"
#include "training/run_resources.h"
#include "training/trainer.h"
#include "util/error_sentence.h"

namespace moelab {

AblationRunner::AblationRunner(AblationPlan plan) : plan_(std::move(plan)) {
  plan_.jobs = std::max(1, plan_.jobs);
  validate(plan_.base);
}

std::vector<ArmSeedResult> AblationRunner::run() { return run(plan_runs(plan_)); }

std::vector<ArmSeedResult> AblationRunner::run(const std::vector<RunKey>& jobs) {
  std::vector<std::optional<ArmSeedResult>> slots(jobs.size());
  std::atomic<std::size_t> next = 0;
  const auto threads = std::min<std::size_t>(static_cast<std::size_t>(plan_.jobs), jobs.size());
  for (const auto& job : jobs) ++unfinished_[job.seed];
  if (threads > 1) require_memory_for(jobs.front(), threads);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  {
    // jthreads join when they go: if starting a worker throws, the ones already running are
    // cancelled and joined before the state they share goes away, instead of std::terminate.
    std::vector<std::jthread> workers;
    try {
      for (std::size_t t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
          try {
            work(jobs, next, slots);
          } catch (...) {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            cancel();
          }
        });
      }
    } catch (...) {
      cancel();
      throw;
    }
  }
  if (failure) std::rethrow_exception(failure);
  std::vector<ArmSeedResult> results;
  for (auto& slot : slots) {
    if (slot) results.push_back(std::move(*slot));
  }
  return results;
}

void AblationRunner::work(const std::vector<RunKey>& jobs, std::atomic<std::size_t>& next,
                          std::vector<std::optional<ArmSeedResult>>& slots) {
  for (std::size_t i = next++; i < jobs.size() && !cancelled_; i = next++) {
    const auto& job = jobs[i];
    const RunConfig config = run_config(plan_, job.arm, job.seed);
    TrainingControl control(config.fixes);
    {
      std::lock_guard lock(mutex_);
      if (cancelled_) return;
      active_.push_back(&control);
    }
    TrainingObserver* observer = observer_factory_ ? observer_factory_(job.arm, job.seed) : nullptr;
    std::optional<RunResult> result;
    try {
      result = with_engine_errors([&] { return run_job(job, config, observer, control); });
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        active_.erase(std::find(active_.begin(), active_.end(), &control));
      }
      finish_job_of(job.seed);
      throw;
    }
    {
      std::lock_guard lock(mutex_);
      active_.erase(std::find(active_.begin(), active_.end(), &control));
    }
    finish_job_of(job.seed);
    if (result->stopped) continue;
    slots[i] = ArmSeedResult{job.arm, job.seed, std::move(*result)};
    if (on_run_finished_) on_run_finished_(*slots[i]);
  }
}

RunResult AblationRunner::run_job(const RunKey& job, const RunConfig& config,
                                  TrainingObserver* observer, TrainingControl& control) {
  if (!output_) {
    Trainer trainer(config, *data_for(job.seed), observer, &control);
    return trainer.run();
  }
  const auto folder = ablation_run_folder(output_->dir, plan_.arms[job.arm], job.seed);
  const bool finished = run_folder_finished(folder);
  if (!output_->force && finished) {
    auto kept = read_run_folder(folder).result;
    if (kept.report) return kept;
    // Finished but its report is gone: trained again from scratch below.
  }
  DurableRunOptions options;
  options.dir = folder;
  options.checkpoint_every = output_->checkpoint_every;
  options.resume_command = output_->resume_command;
  // An unfinished run continues; a folder without a status holds nothing worth keeping.
  const bool unfinished = !output_->force && !finished && read_run_status(folder).has_value();
  options.mode = unfinished ? FolderMode::Continue : FolderMode::Replace;
  DurableRun run(options, config);
  if (config_to_json(run.config()) != config_to_json(config)) {
    throw std::invalid_argument(folder +
                                " holds a run with other settings; --force trains the "
                                "grid again");
  }
  return run.run(*data_for(job.seed), observer, &control);
}

std::shared_ptr<const DatasetSplit> AblationRunner::data_for(std::uint64_t seed) {
  {
    std::lock_guard lock(mutex_);
    if (auto found = data_.find(seed); found != data_.end()) return found->second;
  }
  // Loaded outside the lock; two workers may load the same seed once each, which is harmless.
  auto loaded = std::make_shared<const DatasetSplit>(load_dataset(plan_.base.data, seed));
  std::lock_guard lock(mutex_);
  return data_.emplace(seed, std::move(loaded)).first->second;
}

// Seed-major order finishes the seeds one after another: a seed's data is dropped with its last
// run, so an ablation over many seeds holds a few data sets, not one per seed. (A running trainer
// keeps its own reference to the tensors.)
void AblationRunner::finish_job_of(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  if (--unfinished_[seed] == 0) data_.erase(seed);
}

// Every run checks its own memory when it starts; `runs` of them at once must fit together.
void AblationRunner::require_memory_for(const RunKey& first, std::size_t runs) {
  const auto estimate = estimate_training_memory(run_config(plan_, first.arm, first.seed),
                                                 shape_of(*data_for(first.seed)));
  require_memory(for_runs_at_once(estimate, static_cast<int>(runs)), available_memory(),
                 std::to_string(runs) + " runs at once");
}

void AblationRunner::cancel() {
  cancelled_ = true;
  std::lock_guard lock(mutex_);
  for (auto* control : active_) control->request_stop();
}

}  // namespace moelab
