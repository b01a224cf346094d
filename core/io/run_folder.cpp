#include "io/run_folder.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "config/config_json.h"
#include "io/checkpoint_file.h"
#include "io/csv_rows.h"
#include "util/version.h"

namespace moelab {

namespace fs = std::filesystem;

namespace {

const char* kCsvFiles[] = {RunFiles::events, RunFiles::timing, RunFiles::metrics};

std::string header_of(const std::string& file_name) {
  if (file_name == RunFiles::events) return events_header();
  if (file_name == RunFiles::timing) return timing_header();
  return metrics_header();
}

bool writes_field(const RunConfig& config) {
  return config.training.growth == Growth::Schnakenberg;
}

std::string field_header_of(const RunConfig& config) {
  return field_header(config.model.max_experts);
}

// The newline-terminated lines of `text`: a last line cut short by a kill is not one.
std::vector<std::string> complete_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', begin)) {
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

bool holds_run_files(const std::string& dir) {
  for (const char* name : {RunFiles::config, RunFiles::status, RunFiles::metrics, RunFiles::events,
                           RunFiles::timing, RunFiles::field, RunFiles::report_md,
                           RunFiles::report_json, RunFiles::checkpoints}) {
    std::error_code error;
    if (fs::exists(fs::path(dir) / name, error)) return true;
  }
  return false;
}

bool is_empty_folder(const std::string& dir) {
  std::error_code error;
  return fs::is_empty(dir, error) && !error;
}

std::string unfinished_description(const RunStatus& status) {
  return std::string(status.state == RunState::Running ? "was killed" : to_string(status.state)) +
         " after epoch " + std::to_string(status.last_epoch);
}

}  // namespace

std::string CheckpointName::file() const {
  char name[64];
  if (complete) {
    std::snprintf(name, sizeof name, "epoch-%04d.pt", epoch);
  } else {
    std::snprintf(name, sizeof name, "epoch-%04d-step-%06lld.pt", epoch,
                  static_cast<long long>(step));
  }
  return std::string(RunFiles::checkpoints) + "/" + name;
}

bool CheckpointName::operator<(const CheckpointName& other) const {
  // Inside epoch N comes after epoch N - 1 and before the end of epoch N.
  if (epoch != other.epoch) return epoch < other.epoch;
  if (complete != other.complete) return !complete;
  return step < other.step;
}

std::optional<CheckpointName> CheckpointName::parse(const std::string& file_name) {
  int epoch = 0, used = 0;
  long long step = 0;
  CheckpointName name;
  if (std::sscanf(file_name.c_str(), "epoch-%d-step-%lld.pt%n", &epoch, &step, &used) == 2 &&
      used == static_cast<int>(file_name.size())) {
    name.epoch = epoch;
    name.complete = false;
    name.step = step;
    return name;
  }
  used = 0;
  if (std::sscanf(file_name.c_str(), "epoch-%d.pt%n", &epoch, &used) == 1 &&
      used == static_cast<int>(file_name.size())) {
    name.epoch = epoch;
    return name;
  }
  return std::nullopt;
}

CheckpointName CheckpointName::of(const TrainerState& state) {
  CheckpointName name;
  if (state.in_progress) {
    name.epoch = state.in_progress->epoch;
    name.complete = false;
    name.step = state.step;
  } else {
    name.epoch = state.completed_epochs;
    name.step = state.step;
  }
  return name;
}

RunFolder::RunFolder(std::string dir, FolderMode mode) : dir_(std::move(dir)) {
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error || !fs::is_directory(dir_)) {
    throw RunFolderError(dir_ + ": cannot create the output folder (" +
                         (error ? error.message() : "a file of that name exists") + ")");
  }
  // Writable? Found out now, not after the run has trained.
  const auto probe = path(".moelab-write-check");
  try {
    write_file_atomically(probe, "");
    fs::remove(probe, error);
  } catch (const FileError& e) {
    throw RunFolderError(dir_ + ": the folder cannot be written (" + e.what() + ")");
  }
  try {
    lock_ = std::make_unique<FolderLock>(dir_);
  } catch (const std::runtime_error& e) {
    throw RunFolderError(e.what());
  }
  if (!lock_->try_lock()) {
    throw RunFolderError(dir_ + ": another run is writing into this folder right now");
  }
  try {
    found_ = read_run_status(dir_);
  } catch (const FileError& e) {
    if (mode != FolderMode::Replace) {
      throw RunFolderError(std::string(e.what()) + "; --force replaces the folder's run");
    }
  }
  check_mode(mode);
}

RunFolder::~RunFolder() = default;  // the lock goes with it

void RunFolder::check_mode(FolderMode mode) {
  switch (mode) {
    case FolderMode::New:
      if (found_ && found_->state == RunState::Finished) {
        throw RunFolderError(dir_ + " holds a finished run; --force replaces it");
      }
      if (found_) {
        throw RunFolderError(dir_ + " holds a run that " + unfinished_description(*found_) +
                             "; continue it with --resume " + dir_ + " or replace it with --force");
      }
      if (holds_run_files(dir_)) {
        throw RunFolderError(dir_ + " holds a run's files; --force replaces them");
      }
      if (!is_empty_folder(dir_)) {
        throw RunFolderError(dir_ + " is not empty; choose a new or empty folder");
      }
      return;
    case FolderMode::Replace:
      remove_run_files();
      return;
    case FolderMode::Continue:
      if (!found_) throw RunFolderError(dir_ + " holds no run to resume (no status.json)");
      if (found_->state == RunState::Finished) {
        throw RunFolderError(dir_ + " holds a finished run: nothing to resume (--force trains it "
                                    "again from the start)");
      }
      return;
  }
}

void RunFolder::remove_run_files() {
  std::error_code error;
  for (const char* name : {RunFiles::config, RunFiles::status, RunFiles::metrics, RunFiles::events,
                           RunFiles::timing, RunFiles::field, RunFiles::report_md,
                           RunFiles::report_json}) {
    fs::remove(path(name), error);
  }
  remove_temporary_files();
  fs::remove_all(path(RunFiles::checkpoints), error);
  if (error) throw RunFolderError(dir_ + ": cannot remove the old run's files (" + error.message() + ")");
}

// What a process killed between a file's write and its rename left behind.
void RunFolder::remove_temporary_files() {
  std::error_code error;
  for (const auto& folder : {fs::path(dir_), fs::path(path(RunFiles::checkpoints))}) {
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      if (entry.path().extension() == ".tmp") fs::remove(entry.path(), error);
    }
  }
}

std::string RunFolder::path(const std::string& name) const { return (fs::path(dir_) / name).string(); }

void RunFolder::start(const RunConfig& config, int total_epochs) {
  write_config(config);
  status_ = RunStatus();
  status_.state = RunState::Running;
  status_.total_epochs = total_epochs;
  status_.started = utc_now();
  status_.version = program_version();
  write_status();
  for (const char* file : kCsvFiles) write_file_atomically(path(file), header_of(file));
  if (writes_field(config)) write_file_atomically(path(RunFiles::field), field_header_of(config));
}

void RunFolder::reopen(const RunConfig& config, int completed_epochs, std::int64_t step,
                       int total_epochs) {
  remove_temporary_files();
  for (const char* file : kCsvFiles) keep_rows(file, header_of(file), completed_epochs);
  if (writes_field(config)) keep_rows(RunFiles::field, field_header_of(config), completed_epochs);
  write_config(config);
  status_ = found_.value_or(RunStatus());
  status_.state = RunState::Running;
  status_.last_epoch = completed_epochs;
  status_.step = step;
  status_.total_epochs = total_epochs;
  status_.version = program_version();
  status_.message.clear();
  if (status_.started.empty()) status_.started = utc_now();
  write_status();
}

void RunFolder::keep_rows(const std::string& file_name, const std::string& header, int last_epoch) {
  std::string kept = header;
  for (const auto& [epoch, line] : rows(dir_, file_name)) {
    if (epoch <= last_epoch) kept += line + "\n";
  }
  write_file_atomically(path(file_name), kept);
}

void RunFolder::copy_rows_from(const std::string& parent_dir, int epochs) {
  const auto metrics = rows(parent_dir, RunFiles::metrics);
  const int available = metrics.empty() ? 0 : metrics.back().first;
  if (available < epochs) {
    throw FileError(parent_dir + ": its metrics.csv holds " + std::to_string(available) +
                    " epochs, not " + std::to_string(epochs));
  }
  for (const char* file : kCsvFiles) {
    std::string kept = header_of(file);
    for (const auto& [epoch, line] : rows(parent_dir, file)) {
      if (epoch <= epochs) kept += line + "\n";
    }
    write_file_atomically(path(file), kept);
  }
  // A fork grows as its parent did (the growth settings cannot change at a fork).
  const auto parent_field = (fs::path(parent_dir) / RunFiles::field).string();
  std::error_code error;
  if (fs::exists(parent_field, error)) {
    const auto text = read_file(parent_field);
    std::string kept = text.substr(0, text.find('\n') + 1);
    for (const auto& [epoch, line] : rows(parent_dir, RunFiles::field)) {
      if (epoch <= epochs) kept += line + "\n";
    }
    write_file_atomically(path(RunFiles::field), kept);
  }
}

void RunFolder::append_rows(const EpochRecord& record) {
  // metrics.csv last: an epoch whose metrics row is there has all its rows.
  const auto events = epoch_event_rows(record.switches, record.split);
  if (!events.empty()) append_to_file(path(RunFiles::events), events);
  if (!record.metrics.field_u.empty()) {
    append_to_file(path(RunFiles::field),
                   field_row(record.metrics, record.config.model.max_experts));
  }
  append_to_file(path(RunFiles::timing), timing_row(record.metrics));
  append_to_file(path(RunFiles::metrics), metrics_row(record.metrics));
}

void RunFolder::write_config(const RunConfig& config) {
  write_file_atomically(path(RunFiles::config), config_to_json(config));
}

std::string RunFolder::write_checkpoint(const RunConfig& config, const TrainerState& state,
                                        Sync sync) {
  const auto name = CheckpointName::of(state).file();
  std::error_code error;
  fs::create_directories(path(RunFiles::checkpoints), error);
  if (error) throw FileError(path(RunFiles::checkpoints) + ": cannot create (" + error.message() + ")");
  write_file_atomically(path(name), checkpoint_bytes(config, state), sync);
  return name;
}

void RunFolder::remove_checkpoint(const std::string& name) {
  std::error_code error;
  fs::remove(path(name), error);
}

void RunFolder::write_report(const PhaseReport& report) {
  write_file_atomically(path(RunFiles::report_md), to_markdown(report));
  write_file_atomically(path(RunFiles::report_json), to_json(report));
}

void RunFolder::write_status(Sync sync) {
  status_.updated = utc_now();
  write_file_atomically(path(RunFiles::status), status_to_json(status_), sync);
}

std::vector<CheckpointName> RunFolder::checkpoints() const { return checkpoints_in(dir_); }

std::vector<CheckpointName> RunFolder::checkpoints_in(const std::string& dir) {
  std::vector<CheckpointName> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::path(dir) / RunFiles::checkpoints, error)) {
    if (auto name = CheckpointName::parse(entry.path().filename().string())) names.push_back(*name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::pair<int, std::string>> RunFolder::rows(const std::string& dir,
                                                         const std::string& file_name) {
  const auto file = (fs::path(dir) / file_name).string();
  std::error_code error;
  if (!fs::exists(file, error)) return {};
  const auto lines = complete_lines(read_file(file));
  std::vector<std::pair<int, std::string>> out;
  // field.csv's columns depend on the run's settings: its own header says how many.
  const std::string header =
      file_name == RunFiles::field && !lines.empty() ? lines.front() + "\n" : std::string();
  for (std::size_t i = 1; i < lines.size(); ++i) {  // line 0 is the header
    const int epoch = epoch_of_row(file_name, lines[i], header);
    if (epoch >= 0) out.emplace_back(epoch, lines[i]);
  }
  return out;
}

}  // namespace moelab
