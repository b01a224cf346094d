#pragma once
// The GO/NO-GO report at the end of the growth phase (the seed's phase1-moe-growth-results.md).
// Computed from the run's full accuracy history, never from a copy kept on the side.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "training/run_metrics.h"

namespace moelab {

struct Criterion {
  // "accuracy_not_below_seed", "learned", "not_diverged", "no_dormant_experts",
  // "one_split_per_cooldown"
  std::string name;
  bool passed = false;
  double value = 0;    // the measured figure the criterion judged
  std::string detail;  // one sentence with the figure and the threshold
  std::optional<std::pair<double, double>> ci95;  // 95% interval of `value`, where it has one
  std::optional<double> p_value;                  // where a test decided it
};

struct PhaseReport {
  bool go = false;
  double seed_val_accuracy = 0;
  double final_val_accuracy = 0;
  double seed_test_accuracy = 0;
  double test_accuracy = 0;
  int test_size = 0;
  double effective_experts = 0;
  double load_violation = 0;
  double usage_entropy = 0;
  double expert_similarity = 0;
  int split_budget = 0;      // most splits the cooldown, the cap and the epochs allowed
  std::string diverged;      // empty unless training was stopped as diverged
  double chance_accuracy = 0;  // the test set's largest class share, the `learned` threshold
  int test_improved = 0;     // test samples the seed model got wrong and the final model right
  int test_worsened = 0;     // and the other way round
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
  int split_budget = 0;
  std::string diverged;                  // empty unless the run was stopped as diverged
  // Per held-out test sample, in the same order: whether the seed model (end of phase 0) and the
  // final model predict its class. The accuracy criterion compares them paired.
  std::vector<bool> seed_test_correct;
  std::vector<bool> final_test_correct;
  double chance_accuracy = 0;            // largest class share of the test set
};

PhaseReport make_phase_report(const PhaseReportInputs& inputs);

// The rule `accuracy_not_below_seed` applies, in one sentence, as the reports state it.
const char* accuracy_rule();

// The report's scalar figures, in a fixed order and named once: report.json writes them under
// these keys and the ablation summary aggregates them under the same ones. Counts are whole
// numbers; "go" is 1 or 0; an accuracy without test predictions is NaN.
std::vector<std::pair<std::string, double>> report_scalars(const PhaseReport& report);

// The criterion with that name, or nullptr; criteria are looked up by name, not position.
const Criterion* find_criterion(const PhaseReport& report, std::string_view name);

std::string to_markdown(const PhaseReport& report);
std::string to_json(const PhaseReport& report);  // pretty-printed, keys as in the README

}  // namespace moelab
