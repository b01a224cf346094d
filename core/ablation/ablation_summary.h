#pragma once
// The ablation table: per arm, mean and spread over seeds of what the seed report measured.

#include <string>
#include <vector>

#include "ablation/ablation_plan.h"
#include "training/run_result.h"

namespace moelab {

struct ArmSeedResult {
  std::size_t arm = 0;
  std::uint64_t seed = 0;
  RunResult result;
};

struct Spread {
  double mean = 0;
  double sd = 0;  // population standard deviation over seeds
  double min = 0;
  double max = 0;
};

struct ArmSummary {
  std::string name;
  std::string code;
  int runs = 0;  // completed runs with a report
  Spread final_accuracy, seed_accuracy, experts, dormant, splits, entropy, expert_similarity;
  double go_share = 0;
};

std::vector<ArmSummary> summarize(const std::vector<Arm>& arms,
                                  const std::vector<ArmSeedResult>& results);

std::string summary_csv(const std::vector<ArmSummary>& table);
std::string summary_markdown(const std::vector<ArmSummary>& table);

}  // namespace moelab
