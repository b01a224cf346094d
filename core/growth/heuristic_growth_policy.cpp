#include "growth/growth_policy.h"

#include <algorithm>

namespace moelab {

GrowthPolicy::GrowthPolicy(int max_experts, double min_delta, int patience)
    : max_experts_(max_experts), min_delta_(min_delta), patience_(std::max(1, patience)) {}

void GrowthPolicy::start_growth(int epoch, double baseline) {
  best_accuracy_ = baseline;
  last_change_epoch_ = epoch;
  stale_epochs_ = 0;
}

GrowthDecision GrowthPolicy::decide(int epoch, double val_accuracy,
                                    const std::vector<float>& utilization, int cooldown_epochs,
                                    std::uint64_t tie_break) {
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

void GrowthPolicy::restore(const State& state) {
  stale_epochs_ = state.stale_epochs;
  best_accuracy_ = state.best_accuracy;
  last_change_epoch_ = state.last_change_epoch;
}

void GrowthPolicy::record_split(int epoch) {
  last_change_epoch_ = epoch;
  stale_epochs_ = 0;
}

int GrowthPolicy::split_budget(int growth_epochs, int cooldown_epochs, int patience,
                               int initial_experts, int max_experts) {
  const int gap = std::max({cooldown_epochs, patience, 1});
  const int by_time = std::max(0, growth_epochs - 1) / gap;
  return std::max(0, std::min(by_time, max_experts - initial_experts));
}

}  // namespace moelab
