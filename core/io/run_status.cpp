#include "io/run_status.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/atomic_file.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kStatusFile = "status.json";

const RunState kStates[] = {RunState::Running, RunState::Finished, RunState::Interrupted,
                            RunState::Failed};

}  // namespace

const char* to_string(RunState state) {
  switch (state) {
    case RunState::Running: return "running";
    case RunState::Finished: return "finished";
    case RunState::Interrupted: return "interrupted";
    case RunState::Failed: return "failed";
  }
  return "running";
}

std::string status_to_json(const RunStatus& s) {
  const Json j{{"state", to_string(s.state)},   {"last_epoch", s.last_epoch},
               {"total_epochs", s.total_epochs}, {"step", s.step},
               {"started", s.started},           {"updated", s.updated},
               {"version", s.version},           {"checkpoint", s.checkpoint},
               {"message", s.message}};
  return j.dump(2) + "\n";
}

RunStatus status_from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = Json::parse(text);
    RunStatus s;
    const auto state = j.at("state").get<std::string>();
    bool known = false;
    for (const auto candidate : kStates) {
      if (state == to_string(candidate)) {
        s.state = candidate;
        known = true;
      }
    }
    if (!known) throw FileError(source + ": unknown state '" + state + "'");
    s.last_epoch = j.at("last_epoch").get<int>();
    s.total_epochs = j.value("total_epochs", 0);
    s.step = j.value("step", std::int64_t{0});
    s.started = j.value("started", std::string());
    s.updated = j.value("updated", std::string());
    s.version = j.value("version", std::string());
    s.checkpoint = j.value("checkpoint", std::string());
    s.message = j.value("message", std::string());
    return s;
  } catch (const nlohmann::json::exception&) {
    throw FileError(source + ": not a run status file");
  }
}

std::optional<RunStatus> read_run_status(const std::string& dir) {
  const auto path = (std::filesystem::path(dir) / kStatusFile).string();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::nullopt;
  return status_from_json(read_file(path), path);
}

bool run_folder_finished(const std::string& dir) {
  try {
    const auto status = read_run_status(dir);
    return status && status->state == RunState::Finished;
  } catch (const FileError&) {
    return false;
  }
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace moelab
