#pragma once
// Writes a run's files: metrics.csv (one row per epoch, deterministic), events.csv (splits and
// switch changes), timing.csv (wall time and samples/s, which vary between runs), report.md,
// report.json and config.json. Every file is written to a temporary name and renamed, so a
// reader never sees half a file.

#include <string>

#include "training/run_result.h"

namespace moelab {

std::string metrics_csv(const RunResult& result);
std::string events_csv(const RunResult& result);
std::string timing_csv(const RunResult& result);

// Creates `dir` if needed. Throws std::runtime_error naming the file on any I/O failure.
void write_run_outputs(const std::string& dir, const RunResult& result);

// Writes `content` to `path` atomically (temporary file in the same folder, then rename).
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace moelab
