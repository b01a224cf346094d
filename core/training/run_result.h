#pragma once
// Everything a finished (or stopped) run leaves behind. A plain value.

#include <optional>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "report/phase_report.h"
#include "training/run_metrics.h"

namespace moelab {

struct DatasetInfo {
  std::string name;
  std::int64_t train_size = 0;
  std::int64_t validation_size = 0;
  std::int64_t test_size = 0;
  std::int64_t dimension = 0;
  int classes = 0;
  std::vector<std::string> class_names;
};

struct RunResult {
  // The run's settings as it started, with every switch flipped by hand during the run recorded
  // in config.schedule at the step it took effect: the config that replays the run.
  RunConfig config;
  FixSwitches final_fixes;               // the switches at the end
  DatasetInfo data;
  double seed_val_accuracy = 0;
  double seed_test_accuracy = 0;         // the seed model on the held-out test set
  double test_accuracy = 0;              // the final model on the held-out test set
  std::string diverged;                  // why training was stopped as diverged; empty if not
  std::vector<double> accuracy_history;  // validation accuracy of every epoch, in order
  std::vector<EpochMetrics> epochs;
  std::vector<SplitEvent> splits;
  std::vector<SwitchEvent> switches;
  std::optional<PhaseReport> report;     // present when the growth phase completed
  bool stopped = false;                  // stopped by the user before the end
  double wall_seconds = 0;
};

}  // namespace moelab
