#include "growth/growth_policy.h"

#include <algorithm>

namespace moelab {

GrowthPolicy::GrowthPolicy(int max_experts, double min_delta)
    : max_experts_(max_experts), min_delta_(min_delta) {}

void GrowthPolicy::start_growth(int epoch, double baseline) {
  best_accuracy_ = baseline;
  last_change_epoch_ = epoch;
}

GrowthDecision GrowthPolicy::decide(int epoch, double val_accuracy,
                                    const std::vector<float>& utilization, int cooldown_epochs) {
  const bool improved = val_accuracy > best_accuracy_ + min_delta_;
  best_accuracy_ = std::max(best_accuracy_, val_accuracy);
  if (improved) return {false, -1, "improving"};
  if (static_cast<int>(utilization.size()) >= max_experts_) return {false, -1, "cap"};
  if (last_change_epoch_ && epoch - *last_change_epoch_ < cooldown_epochs) {
    return {false, -1, "cooldown"};
  }
  const auto busiest = std::max_element(utilization.begin(), utilization.end());
  return {true, static_cast<int>(busiest - utilization.begin()), "plateau"};
}

void GrowthPolicy::record_split(int epoch) { last_change_epoch_ = epoch; }

}  // namespace moelab
