#include "io/folder_journal.h"

#include "io/csv_rows.h"
#include "training/run_result.h"
#include "training/trainer_state.h"
#include "util/format.h"

namespace moelab {

FolderJournal::FolderJournal(RunFolder& folder, int checkpoint_every, std::string resume_command)
    : folder_(folder),
      checkpoint_every_(checkpoint_every),
      resume_command_(std::move(resume_command)) {}

void FolderJournal::replay_until(int epoch, std::map<int, std::string> parent_metrics_rows) {
  replay_until_ = epoch;
  parent_rows_ = std::move(parent_metrics_rows);
}

void FolderJournal::adopt_checkpoint(const CheckpointName& name,
                                     const std::vector<SplitEvent>& splits) {
  newest_ = name;
  for (const auto& s : splits) split_epochs_.insert(s.epoch);
}

bool FolderJournal::checkpoint_due(const EpochRecord& record) const {
  const int epoch = record.metrics.epoch;
  return record.last || record.split || epoch == replay_until_ ||
         (checkpoint_every_ > 0 && epoch % checkpoint_every_ == 0);
}

void FolderJournal::epoch_finished(const EpochRecord& record, const StateSource& state) {
  const int epoch = record.metrics.epoch;
  if (epoch <= replay_until_) {
    const auto parent = parent_rows_.find(epoch);
    const auto row = metrics_row(record.metrics);
    if (parent == parent_rows_.end() || parent->second + "\n" != row) {
      throw ReplayError("epoch " + std::to_string(epoch) +
                        " of the parent did not replay identically (it was trained with other "
                        "threads, another build or on another CPU); fork from an epoch with a "
                        "checkpoint instead");
    }
  } else {
    folder_.append_rows(record);
  }
  if (record.config.schedule.size() != schedule_written_) {
    folder_.write_config(record.config);
    schedule_written_ = record.config.schedule.size();
  }
  if (record.split) split_epochs_.insert(epoch);
  if (checkpoint_due(record)) write_checkpoint(record.config, state(), Sync::Process);
  auto& status = folder_.status();
  status.last_epoch = epoch;
  status.step = record.metrics.step;
  folder_.write_status();
}

void FolderJournal::write_checkpoint(const RunConfig& config, const TrainerState& state, Sync sync) {
  const auto name = CheckpointName::of(state);
  folder_.write_checkpoint(config, state, sync);
  folder_.status().checkpoint = name.file();
  prune(name);
}

void FolderJournal::prune(const CheckpointName& newest) {
  if (newest_ && newest_->file() != newest.file()) {
    const auto& previous = *newest_;
    // The state just before a split (the previous epoch's end) and just after it stay.
    const bool at_split = previous.complete && split_epochs_.count(previous.epoch);
    const bool before_split = previous.complete && newest.complete &&
                              split_epochs_.count(newest.epoch) &&
                              previous.epoch == newest.epoch - 1;
    if (at_split || before_split) {
      kept_.insert(previous);
    } else if (!kept_.count(previous)) {
      folder_.remove_checkpoint(previous.file());
    }
  }
  newest_ = newest;
}

void FolderJournal::stopped(const StateSource& state) {
  const auto s = state();
  const auto name = CheckpointName::of(s);
  if (!newest_ || newest_->file() != name.file()) {
    write_checkpoint(s.history.config, s, Sync::Disk);
  }
  auto& status = folder_.status();
  status.state = RunState::Interrupted;
  status.step = s.step;
  status.message = "interrupted at step " + std::to_string(s.step) + " (after epoch " +
                   std::to_string(s.completed_epochs) + "); continue with: " + resume_command_;
  folder_.write_status(Sync::Disk);
}

void FolderJournal::finished(const RunResult& result) {
  if (result.report) folder_.write_report(*result.report);
  auto& status = folder_.status();
  status.state = RunState::Finished;
  if (!result.diverged.empty()) {
    status.message = "training diverged: " + result.diverged;
  } else if (result.report) {
    status.message = std::string("verdict ") + result.report->verdict() + ", test accuracy " +
                     percent(result.test_accuracy);
  } else {
    status.message = "trained (no growth phase, no report)";
  }
  folder_.write_status(Sync::Disk);
}

void FolderJournal::failed(const std::string& message) {
  auto& status = folder_.status();
  status.state = RunState::Failed;
  status.message = message;
  try {
    folder_.write_status(Sync::Disk);
  } catch (const std::exception&) {
    // The disk that failed the run may refuse this too; the caller reports the message.
  }
}

}  // namespace moelab
