#include "growth/heuristic_growth_policy.h"

#include <algorithm>

namespace moelab {

HeuristicGrowthPolicy::HeuristicGrowthPolicy(int max_experts, double min_delta, int patience)
    : max_experts_(max_experts), min_delta_(min_delta), patience_(std::max(1, patience)) {}

void HeuristicGrowthPolicy::start_growth(int epoch, double baseline) {
  best_accuracy_ = baseline;
  last_change_epoch_ = epoch;
  stale_epochs_ = 0;
}

GrowthDecision HeuristicGrowthPolicy::decide(int epoch, double val_accuracy,
                                             const std::vector<float>& utilization,
                                             int cooldown_epochs, std::uint64_t tie_break) {
  const bool improved = val_accuracy > best_accuracy_ + min_delta_;
  best_accuracy_ = std::max(best_accuracy_, val_accuracy);
  stale_epochs_ = improved ? 0 : stale_epochs_ + 1;
  if (improved) return {false, -1, "improving"};
  if (stale_epochs_ < patience_) return {false, -1, "patience"};
  if (static_cast<int>(utilization.size()) >= max_experts_) return {false, -1, "cap"};
  if (last_change_epoch_ && epoch - *last_change_epoch_ < cooldown_epochs) {
    return {false, -1, "cooldown"};
  }
  const float busiest = *std::max_element(utilization.begin(), utilization.end());
  std::vector<int> tied;
  for (std::size_t e = 0; e < utilization.size(); ++e) {
    if (utilization[e] == busiest) tied.push_back(static_cast<int>(e));
  }
  return {true, tied[tie_break % tied.size()], "plateau"};
}

void HeuristicGrowthPolicy::record_split(int epoch, int, int) {
  last_change_epoch_ = epoch;
  stale_epochs_ = 0;
}

int HeuristicGrowthPolicy::split_budget(int growth_epochs, int cooldown_epochs,
                                        int initial_experts) const {
  return split_budget_for(growth_epochs, std::max(cooldown_epochs, patience_), initial_experts,
                          max_experts_);
}

GrowthPolicy::State HeuristicGrowthPolicy::state() const {
  State s;
  s.last_change_epoch = last_change_epoch_;
  s.stale_epochs = stale_epochs_;
  s.best_accuracy = best_accuracy_;
  return s;
}

void HeuristicGrowthPolicy::restore(const State& state) {
  stale_epochs_ = state.stale_epochs;
  best_accuracy_ = state.best_accuracy;
  last_change_epoch_ = state.last_change_epoch;
}

}  // namespace moelab
