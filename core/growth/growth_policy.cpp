#include "growth/growth_policy.h"

#include <algorithm>

#include "config/run_config.h"
#include "growth/field_growth_policy.h"
#include "growth/heuristic_growth_policy.h"

namespace moelab {

std::unique_ptr<GrowthPolicy> make_growth_policy(const RunConfig& config) {
  const auto& t = config.training;
  switch (t.growth) {
    case Growth::Schnakenberg:
      return std::make_unique<FieldGrowthPolicy>(t.field, config.model.initial_experts,
                                                 config.model.max_experts);
    case Growth::Heuristic:
      break;
  }
  return std::make_unique<HeuristicGrowthPolicy>(config.model.max_experts, t.plateau_min_delta,
                                                 t.plateau_patience);
}

int split_budget_for(int growth_epochs, int least_gap, int initial_experts, int max_experts) {
  const int by_time = std::max(0, growth_epochs - 1) / std::max(1, least_gap);
  return std::max(0, std::min(by_time, max_experts - initial_experts));
}

}  // namespace moelab
