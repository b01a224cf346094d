#pragma once
// The GO/NO-GO report at the end of the growth phase (the seed's phase1-moe-growth-results.md).
// Computed from the run's full accuracy history, never from a copy kept on the side.

#include <string>
#include <vector>

#include "training/run_metrics.h"

namespace moelab {

struct Criterion {
  std::string name;    // "accuracy_not_below_seed", "no_dormant_experts", "one_split_per_cooldown"
  bool passed = false;
  double value = 0;    // the measured figure the criterion judged
  std::string detail;  // one sentence with the figure and the threshold
};

struct PhaseReport {
  bool go = false;
  double seed_val_accuracy = 0;
  double final_val_accuracy = 0;
  int experts = 0;
  std::vector<int> dormant;
  std::vector<SplitEvent> splits;
  std::vector<float> utilization;
  std::vector<Criterion> criteria;
  int growth_epochs = 0;     // growth epochs completed
  int cooldown_window = 0;   // the N the split criterion was judged against
  double dormant_threshold = 0;

  const char* verdict() const { return go ? "GO" : "NO-GO"; }
};

struct PhaseReportInputs {
  std::vector<double> accuracy_history;  // validation accuracy per epoch, seed phase first
  int seed_epochs = 0;
  double seed_val_accuracy = 0;          // accuracy of the seed model (end of phase 0)
  EpochMetrics last_epoch;
  std::vector<SplitEvent> splits;
  int cooldown_window = 5;
  double dormant_threshold = 0.05;
};

PhaseReport make_phase_report(const PhaseReportInputs& inputs);

std::string to_markdown(const PhaseReport& report);
std::string to_json(const PhaseReport& report);  // pretty-printed, keys as in the README

}  // namespace moelab
