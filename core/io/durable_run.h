#pragma once
// One run kept in its folder as it goes, the same way for the CLI, the window and ablations: a new
// run, a run continued from its newest checkpoint (--resume), or a fork of another run's folder.
//
// Everything that can refuse the run (the folder's state and lock, its settings, its checkpoint,
// a fork's parent) is checked by the constructor, before any data is loaded or any file changed;
// run() then writes config.json and status.json before the first step.

#include <memory>
#include <optional>
#include <string>

#include "config/run_config.h"
#include "io/run_folder.h"
#include "training/run_result.h"
#include "training/training_control.h"
#include "training/training_observer.h"

namespace moelab {

struct Checkpoint;
struct DatasetSplit;

struct DurableRunOptions {
  std::string dir;
  FolderMode mode = FolderMode::New;
  int checkpoint_every = 1;  // epochs between checkpoints; 0: only at splits and at the end
  // Printed in status.json when the run is interrupted; default "moelab-cli --resume DIR".
  std::string resume_command;
};

// A fork: the parent folder and the epoch whose end the fork starts from.
struct ForkRequest {
  std::string parent_dir;
  int at_epoch = 0;
};

class DurableRun {
 public:
  // New or Replace: `config` is the run's settings (a fork's: the parent's with the changes asked
  // for, see fork_config). Continue: `config` is ignored and the folder's config.json is used.
  // Throws RunFolderError, CheckpointError or ConfigError with one sentence.
  DurableRun(DurableRunOptions options, const RunConfig& config,
             std::optional<ForkRequest> fork = std::nullopt);
  ~DurableRun();

  const RunConfig& config() const { return config_; }
  const std::string& dir() const { return folder_->dir(); }
  // Continue and fork: the epochs already trained when run() starts.
  int starting_epoch() const;

  // Trains (or continues) the run. A write error stops it: status.json says failed with the file
  // and the reason, and the error is rethrown.
  RunResult run(DatasetSplit data, TrainingObserver* observer = nullptr,
                TrainingControl* control = nullptr);

 private:
  void find_checkpoint();
  void plan_fork(const ForkRequest& fork);

  DurableRunOptions options_;
  RunConfig config_;
  std::unique_ptr<RunFolder> folder_;
  std::unique_ptr<Checkpoint> checkpoint_;  // the state to continue from, if any
  std::optional<ForkRequest> fork_;
};

// How a fork's requested switches are meant: as changes to the parent's config.json (the CLI's
// flags), or as the switches wanted from the fork point on (the window shows the switches as
// they stood at the fork point and the user changes some).
enum class ForkFixes { ChangesToParentConfig, AsOfForkPoint };

// The settings of a fork of `parent_dir` at `at_epoch`: the parent's config.json, with the fixes,
// learning rate and growth epochs of `requested` taking effect at the start of epoch at_epoch + 1
// (a schedule entry), and the parent's schedule kept up to the fork point. Any other setting that
// differs from the parent's is refused (ForkError names it): it would change the past the fork
// shares with its parent.
RunConfig fork_config(const std::string& parent_dir, int at_epoch, const RunConfig& requested,
                      ForkFixes fixes = ForkFixes::ChangesToParentConfig);

// The parent's switches at the end of `epoch`: its config's, changed by every switch event of
// the epochs up to it (events.csv).
FixSwitches fixes_after_epoch(const std::string& run_dir, int epoch);

class ForkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace moelab
