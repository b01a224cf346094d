#pragma once
// The run journal that keeps a run folder (run_folder.h) up to date as the run goes. At the end of
// every epoch: that epoch's CSV rows, config.json again if a switch was flipped by hand, a
// checkpoint when one is due, then status.json. On a stop: a checkpoint of the state at that step
// and status "interrupted" with the command that continues the run. At the end: the report, then
// status "finished".
//
// Checkpoints are due every `checkpoint_every` epochs (0: never by the clock), at the run's last
// epoch and at every split. Older ones are deleted except those at a split and just before it,
// so that every split can be revisited by a fork.
//
// A fork's journal starts with its parent's rows already copied (RunFolder::copy_rows_from);
// the epochs it replays up to the fork point are compared with them instead of written again,
// and a difference stops the run: the parent cannot be replayed on this machine as it was trained.

#include <map>
#include <set>
#include <string>

#include "io/run_folder.h"
#include "training/run_journal.h"

namespace moelab {

class ReplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FolderJournal : public RunJournal {
 public:
  // `resume_command` is the command that continues the run, for the interrupted status.
  FolderJournal(RunFolder& folder, int checkpoint_every, std::string resume_command);

  // config.json as written holds `entries` schedule entries; it is written again when hand flips
  // add more.
  void schedule_in_file(std::size_t entries) { schedule_written_ = entries; }
  // A fork: epochs up to `epoch` are in the files already (the parent's rows, by epoch).
  void replay_until(int epoch, std::map<int, std::string> parent_metrics_rows);
  // A resumed run: its newest checkpoint and the epochs it split at, so that retention keeps
  // the checkpoints of those splits.
  void adopt_checkpoint(const CheckpointName& name, const std::vector<SplitEvent>& splits);

  void epoch_finished(const EpochRecord& record, const StateSource& state) override;
  void stopped(const StateSource& state) override;
  void finished(const RunResult& result) override;
  // The run could not go on: status "failed" with `message`, if the folder can still be written.
  void failed(const std::string& message);

 private:
  bool checkpoint_due(const EpochRecord& record) const;
  void write_checkpoint(const RunConfig& config, const TrainerState& state, Sync sync);
  void prune(const CheckpointName& newest);

  RunFolder& folder_;
  int checkpoint_every_;
  std::string resume_command_;
  int replay_until_ = 0;
  std::map<int, std::string> parent_rows_;
  std::set<int> split_epochs_;
  std::size_t schedule_written_ = 0;
  std::optional<CheckpointName> newest_;
  std::set<CheckpointName> kept_;  // at a split or just before one
};

}  // namespace moelab
