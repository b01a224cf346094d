#pragma once
// The ablation table: per arm, what the runs' reports measured, summarised over seeds (mean,
// sample SD, Student t interval), and each arm's paired difference from a baseline arm. A seed
// gives every arm the same data and initial weights, so arms are compared seed by seed (paired
// t test), which cancels the seed-to-seed noise an unpaired comparison would carry.

#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ablation/ablation_plan.h"
#include "stats/statistics.h"
#include "training/run_result.h"

namespace moelab {

struct ArmSeedResult {
  std::size_t arm = 0;
  std::uint64_t seed = 0;
  RunResult result;
};

// A finished run's report figures, as report_scalars() names them: what a summary needs of a
// run, whether the run is in memory or read back from its report.json.
struct ArmSeedScalars {
  std::size_t arm = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, double>> scalars;
};

// One metric over an arm's runs. Runs whose value is NaN (no test predictions) are left out.
struct Spread {
  int n = 0;  // runs that gave a value
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = 0;         // sample standard deviation (n - 1); 0 with fewer than two runs
  stats::Interval ci95;  // Student t interval of the mean; NaN bounds with fewer than two runs
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
};

// An arm minus the baseline arm on one metric, over the seeds both completed (paired t).
struct PairedDifference {
  std::string vs;      // the baseline arm's id (arm_id)
  std::string metric;  // a report_scalars() key
  stats::PairedTest test;
};

struct ArmSummary {
  std::string name;
  std::string code;  // arm_id(): the switches' code, then any swept settings
  int runs = 0;  // completed runs with a report
  bool baseline = false;
  // Keyed by the report_scalars() names, in that order; "go" averages to the share of GO runs.
  std::vector<std::pair<std::string, Spread>> metrics;
  std::vector<PairedDifference> paired;  // against the baseline; empty for the baseline

  // The metric of that report_scalars() name. Throws std::out_of_range for an unknown name.
  const Spread& metric(std::string_view key) const;
};

// The baseline is the first arm with every fix off ("pce") when the plan has one (with sweeps:
// at the first value of each), else the first arm.
std::vector<ArmSummary> summarize(const std::vector<Arm>& arms,
                                  const std::vector<ArmSeedResult>& results);
// The same from the runs' figures alone (moelab-cli summarize reads them from report.json).
std::vector<ArmSummary> summarize(const std::vector<Arm>& arms,
                                  const std::vector<ArmSeedScalars>& runs);

std::string summary_json(const std::vector<ArmSummary>& table);
std::string summary_csv(const std::vector<ArmSummary>& table);
std::string summary_markdown(const std::vector<ArmSummary>& table);

}  // namespace moelab
