#pragma once
// A run's folder on disk, written as the run goes:
//   config.json    the settings that replay the run (the experiment file format)
//   status.json    where the run stands (run_status.h)
//   metrics.csv, events.csv, timing.csv   one epoch's rows appended when it finishes
//   field.csv      with growth by pattern: the field's u and v per growth epoch (csv_rows.h)
//   report.md, report.json                the phase report, when the run ends with one
//   checkpoints/epoch-NNNN.pt             the state after epoch N (checkpoint_file.h);
//   checkpoints/epoch-NNNN-step-SSSSSS.pt the state inside epoch N, when a run was interrupted
// While a process writes into the folder it holds a lock on it (flock on the folder), so a second
// run aimed at the same folder is refused, and a status that says "running" without a lock holder
// means the process died.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "io/atomic_file.h"
#include "io/folder_lock.h"
#include "io/run_status.h"
#include "report/phase_report.h"
#include "training/run_journal.h"

namespace moelab {

struct TrainerState;

// A folder that cannot hold this run as asked (finished, unfinished, locked, not writable). The
// message is one sentence that says what to do.
class RunFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class FolderMode {
  New,       // a missing or empty folder
  Replace,   // --force: an old run's files are removed first (other files are left alone)
  Continue,  // --resume: an unfinished run
};

// The folder's file names, each spelled once.
struct RunFiles {
  static constexpr const char* config = "config.json";
  static constexpr const char* status = "status.json";
  static constexpr const char* metrics = "metrics.csv";
  static constexpr const char* events = "events.csv";
  static constexpr const char* timing = "timing.csv";
  static constexpr const char* field = "field.csv";
  static constexpr const char* report_md = "report.md";
  static constexpr const char* report_json = "report.json";
  static constexpr const char* checkpoints = "checkpoints";
};

// Where a checkpoint stands: after epoch `epoch` (complete), or inside it at global step `step`.
struct CheckpointName {
  int epoch = 0;
  bool complete = true;
  std::int64_t step = 0;

  std::string file() const;  // "checkpoints/epoch-0012.pt", "checkpoints/epoch-0013-step-000456.pt"
  bool operator<(const CheckpointName& other) const;
  static std::optional<CheckpointName> parse(const std::string& file_name);
  static CheckpointName of(const TrainerState& state);
};

class RunFolder {
 public:
  // Creates `dir` if needed, checks that it can be written, takes its lock and checks what it
  // holds against `mode`. Throws RunFolderError.
  RunFolder(std::string dir, FolderMode mode);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const;
  // The status found when the folder was opened (Continue: the run to resume).
  const std::optional<RunStatus>& found() const { return found_; }

  // A run from scratch: config.json, status.json (running) and the CSV headers.
  void start(const RunConfig& config, int total_epochs);
  // A run continued after `completed_epochs`: rows of later epochs (written before the run died,
  // after its last checkpoint) are dropped, as are incomplete last lines and temporary files;
  // status.json says running again.
  void reopen(const RunConfig& config, int completed_epochs, std::int64_t step, int total_epochs);
  // The first `epochs` epochs' rows of another run folder (a fork's past). Throws FileError when
  // the parent has fewer.
  void copy_rows_from(const std::string& parent_dir, int epochs);

  void append_rows(const EpochRecord& record);
  void write_config(const RunConfig& config);
  // Writes the checkpoint; returns its name relative to the folder.
  std::string write_checkpoint(const RunConfig& config, const TrainerState& state,
                               Sync sync = Sync::Process);
  void remove_checkpoint(const std::string& name);
  void write_report(const PhaseReport& report);

  RunStatus& status() { return status_; }
  void write_status(Sync sync = Sync::Process);

  // The folder's checkpoints, oldest first.
  std::vector<CheckpointName> checkpoints() const;

  // The complete rows (newline-terminated, with every field) of one of a folder's CSV files, by
  // epoch, in file order. Missing file: none.
  static std::vector<std::pair<int, std::string>> rows(const std::string& dir,
                                                       const std::string& file_name);
  static std::vector<CheckpointName> checkpoints_in(const std::string& dir);

 private:
  void check_mode(FolderMode mode);
  void remove_run_files();
  void remove_temporary_files();
  void keep_rows(const std::string& file_name, const std::string& header, int last_epoch);

  std::string dir_;
  std::unique_ptr<FolderLock> lock_;
  std::optional<RunStatus> found_;
  RunStatus status_;
};

}  // namespace moelab
