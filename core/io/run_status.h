#pragma once
// status.json: where a run folder's run stands. Written when the run starts, after every epoch,
// and when it ends, each time replaced whole (atomic_file.h):
//   state        running | finished | interrupted | failed
//   last_epoch   the last epoch whose rows every CSV file holds
//   total_epochs, step, started (UTC, ISO 8601), updated, version (of the program)
//   checkpoint   the newest checkpoint, relative to the folder ("" before the first)
//   message      failed: the file and the reason; interrupted: how to continue; finished: the
//                verdict or why training diverged
// A folder whose status says running but whose lock no process holds was killed: it is continued
// like an interrupted one.

#include <cstdint>
#include <optional>
#include <string>

namespace moelab {

enum class RunState { Running, Finished, Interrupted, Failed };

const char* to_string(RunState state);

struct RunStatus {
  RunState state = RunState::Running;
  int last_epoch = 0;
  int total_epochs = 0;
  std::int64_t step = 0;
  std::string started;
  std::string updated;
  std::string version;
  std::string checkpoint;
  std::string message;
};

std::string status_to_json(const RunStatus& status);
// Throws FileError naming `source` when the text is not a status file.
RunStatus status_from_json(const std::string& text, const std::string& source);

// DIR/status.json, or nothing when the folder has none. Throws FileError for an unreadable one.
std::optional<RunStatus> read_run_status(const std::string& dir);

// Whether DIR holds a run that ran to its end (status.json says finished). The one test of
// "finished" that the CLI, ablations and summaries share.
bool run_folder_finished(const std::string& dir);

// Now, UTC, as ISO 8601 ("2025-01-31T12:00:00Z").
std::string utc_now();

}  // namespace moelab
