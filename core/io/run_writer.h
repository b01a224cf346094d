#pragma once
// A run's CSV files as whole texts, from a finished (or stopped) RunResult: for exports and tests.
// A run being trained writes the same rows one epoch at a time (io/run_folder.h).

#include <string>

#include "training/run_result.h"

namespace moelab {

std::string metrics_csv(const RunResult& result);
std::string events_csv(const RunResult& result);
// The step reports a window received (a run folder keeps epochs only).
std::string steps_csv(const std::vector<StepMetrics>& steps);
std::string timing_csv(const RunResult& result);
// Growth by pattern's field.csv; empty for a run of another growth policy (it writes none).
std::string field_csv(const RunResult& result);

}  // namespace moelab
