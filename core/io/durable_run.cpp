#include "io/durable_run.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "config/config_json.h"
#include "io/checkpoint_file.h"
#include "io/csv_rows.h"
#include "io/folder_journal.h"
#include "io/run_folder_reader.h"
#include "training/switch_events.h"
#include "training/trainer.h"
#include "util/logging.h"

namespace moelab {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

int total_epochs(const RunConfig& config) {
  return config.training.seed_epochs + config.training.growth_epochs;
}

// The settings without the schedule and the fork origin: what a checkpoint must agree with to
// continue a run (hand flips recorded later only add schedule entries).
std::string settings_only(RunConfig config) {
  config.schedule.clear();
  config.fork.reset();
  return config_to_json(config);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The training keys a fork may change: they take effect from the fork point on.
bool fork_may_change(const std::string& section, const std::string& key) {
  if (section == "fixes") return true;
  return section == "training" &&
         (key == "learning_rate" || key == "growth_epochs" || key == "threads" ||
          key == "log_interval");
}

int parent_epochs(const std::string& parent_dir) {
  const auto rows = RunFolder::rows(parent_dir, RunFiles::metrics);
  return rows.empty() ? 0 : rows.back().first;
}

}  // namespace

FixSwitches fixes_after_epoch(const std::string& run_dir, int epoch) {
  const auto contents = read_run_folder(run_dir);
  FixSwitches fixes = contents.result.config.fixes;
  for (const auto& event : contents.result.switches) {
    if (event.epoch <= epoch) fixes = apply_switch_event(fixes, event);
  }
  return fixes;
}

RunConfig fork_config(const std::string& parent_dir, int at_epoch, const RunConfig& requested,
                      ForkFixes fixes) {
  const auto parent_file = (fs::path(parent_dir) / RunFiles::config).string();
  std::error_code error;
  if (!fs::exists(parent_file, error)) {
    throw ForkError(parent_dir + " is not a run folder (no config.json)");
  }
  const RunConfig parent = load_config_file(parent_file);
  const int trained = parent_epochs(parent_dir);
  if (at_epoch < 0 || at_epoch > trained) {
    throw ForkError("--at-epoch " + std::to_string(at_epoch) + ": " + parent_dir + " has " +
                    std::to_string(trained) + " finished epochs (fork at 0.." +
                    std::to_string(trained) + ")");
  }
  const Json before = Json::parse(settings_only(parent));
  const Json after = Json::parse(settings_only(requested));
  // (The switches may differ in either mode; what they are compared with is `fixes` below.)
  for (const auto& [section, values] : after.items()) {
    for (const auto& [key, value] : values.items()) {
      if (before[section][key] != value && !fork_may_change(section, key)) {
        throw ForkError(section + "." + key + " cannot change at a fork: the fork shares the "
                        "parent's first " + std::to_string(at_epoch) + " epochs, which it shaped");
      }
    }
  }
  RunConfig fork = parent;
  fork.training.growth_epochs = requested.training.growth_epochs;
  fork.training.threads = requested.training.threads;
  fork.training.log_interval = requested.training.log_interval;
  if (total_epochs(fork) <= at_epoch) {
    throw ForkError("the fork would end at epoch " + std::to_string(total_epochs(fork)) +
                    ", not after the fork point " + std::to_string(at_epoch));
  }
  if (fork.training.growth_epochs != parent.training.growth_epochs &&
      parent.training.final_lr_fraction < 1) {
    throw ForkError("training.growth_epochs cannot change at a fork of a run whose learning rate "
                    "decays over the growth phase: the decay of the shared epochs would change");
  }
  fork.schedule.clear();
  for (const auto& entry : parent.schedule) {
    if (entry.epoch <= at_epoch) fork.schedule.push_back(entry);
  }
  ScheduleEntry change;
  change.epoch = at_epoch + 1;
  // The flags given on top of the parent's config.json, applied to the switches as they stood
  // at the fork point.
  const FixSwitches base = fixes == ForkFixes::AsOfForkPoint
                               ? fixes_after_epoch(parent_dir, at_epoch)
                               : parent.fixes;
  change.fixes = fixes_patch(base, requested.fixes);
  if (requested.training.learning_rate != parent.training.learning_rate) {
    change.learning_rate = requested.training.learning_rate;
  }
  change.note = "fork of " + parent_dir + " at epoch " + std::to_string(at_epoch);
  if (change.fixes != "{}" || change.learning_rate) fork.schedule.push_back(change);
  fork.fork = ForkOrigin{fs::absolute(parent_dir).lexically_normal().string(), at_epoch};
  validate(fork);
  return fork;
}

DurableRun::DurableRun(DurableRunOptions options, const RunConfig& config,
                       std::optional<ForkRequest> fork)
    : options_(std::move(options)), config_(config), fork_(std::move(fork)) {
  if (options_.resume_command.empty()) {
    options_.resume_command = "moelab-cli --resume " + options_.dir;
  }
  folder_ = std::make_unique<RunFolder>(options_.dir, options_.mode);
  if (options_.mode == FolderMode::Continue) {
    config_ = load_config_file(folder_->path(RunFiles::config));
    find_checkpoint();
  } else if (fork_) {
    plan_fork(*fork_);
  }
}

DurableRun::~DurableRun() = default;

int DurableRun::starting_epoch() const {
  return checkpoint_ ? checkpoint_->state.completed_epochs : 0;
}

void DurableRun::find_checkpoint() {
  const auto names = folder_->checkpoints();
  if (names.empty()) return;  // killed before its first checkpoint: it starts over
  const auto file = folder_->path(names.back().file());
  try {
    checkpoint_ = std::make_unique<Checkpoint>(read_checkpoint(file));
  } catch (const CheckpointError& e) {
    throw RunFolderError(std::string(e.what()) +
                         "; remove it to continue from the checkpoint before it, or start over "
                         "with --force");
  }
  if (settings_only(checkpoint_->config) != settings_only(config_)) {
    throw RunFolderError(file + " belongs to a run with other settings than " + options_.dir +
                         "/config.json; remove it, or start over with --force");
  }
  const int rows = parent_epochs(options_.dir);
  if (rows < checkpoint_->state.completed_epochs) {
    throw RunFolderError(options_.dir + "/metrics.csv holds " + std::to_string(rows) +
                         " epochs but its newest checkpoint " +
                         std::to_string(checkpoint_->state.completed_epochs) +
                         "; start over with --force");
  }
}

void DurableRun::plan_fork(const ForkRequest& fork) {
  std::optional<CheckpointName> best;
  for (const auto& name : RunFolder::checkpoints_in(fork.parent_dir)) {
    if (name.epoch <= fork.at_epoch) best = name;
  }
  if (!best) return;  // no checkpoint up to the fork point: the parent is replayed from its start
  const auto file = (fs::path(fork.parent_dir) / best->file()).string();
  try {
    checkpoint_ = std::make_unique<Checkpoint>(read_checkpoint(file));
  } catch (const CheckpointError& e) {
    throw ForkError(e.what());
  }
  if (const auto mismatch = checkpoint_mismatch(checkpoint_->config, config_); !mismatch.empty()) {
    throw ForkError(file + " does not belong to " + fork.parent_dir + "'s run: " + mismatch);
  }
}

RunResult DurableRun::run(DatasetSplit data, TrainingObserver* observer,
                          TrainingControl* control) {
  Trainer trainer(config_, std::move(data), observer, control);
  FolderJournal journal(*folder_, options_.checkpoint_every, options_.resume_command);
  journal.schedule_in_file(config_.schedule.size());
  try {
    if (options_.mode == FolderMode::Continue) {
      const int completed = checkpoint_ ? checkpoint_->state.completed_epochs : 0;
      const auto step = checkpoint_ ? checkpoint_->state.step : 0;
      folder_->reopen(config_, completed, step, total_epochs(config_));
      if (checkpoint_) {
        journal.adopt_checkpoint(CheckpointName::of(checkpoint_->state),
                                 checkpoint_->state.history.splits);
        folder_->status().checkpoint = CheckpointName::of(checkpoint_->state).file();
        logger()->info("continuing {} after epoch {}, step {}", options_.dir, completed, step);
      }
    } else {
      folder_->start(config_, total_epochs(config_));
      if (fork_) {
        folder_->copy_rows_from(fork_->parent_dir, fork_->at_epoch);
        std::map<int, std::string> parent_rows;
        for (auto& [epoch, row] : RunFolder::rows(fork_->parent_dir, RunFiles::metrics)) {
          parent_rows[epoch] = row;
        }
        journal.replay_until(fork_->at_epoch, std::move(parent_rows));
        if (checkpoint_) {
          const auto name = CheckpointName::of(checkpoint_->state);
          if (name.complete && name.epoch == fork_->at_epoch) {
            // The fork point's state is the fork's own first checkpoint.
            folder_->write_checkpoint(config_, checkpoint_->state);
            folder_->status().checkpoint = name.file();
            journal.adopt_checkpoint(name, checkpoint_->state.history.splits);
          }
        }
        folder_->status().last_epoch = fork_->at_epoch;
        folder_->write_status();
      }
    }
    if (checkpoint_) trainer.resume_from(std::move(checkpoint_->state));
    checkpoint_.reset();
    trainer.set_journal(&journal);
    return trainer.run();
  } catch (const std::exception& e) {
    journal.failed(first_line(e.what()));
    throw;
  }
}

}  // namespace moelab
