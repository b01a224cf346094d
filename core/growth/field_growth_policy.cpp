#include "growth/field_growth_policy.h"

#include <algorithm>
#include <stdexcept>

namespace moelab {

FieldGrowthPolicy::FieldGrowthPolicy(const FieldGrowthSettings& settings, int initial_experts,
                                     int max_experts)
    : settings_(settings), max_experts_(max_experts), field_(settings.field, initial_experts) {
  const double u_star = settings.field.a + settings.field.b;
  if (!(settings.threshold > u_star)) {
    throw std::invalid_argument("growth field: the threshold must be above the steady state u* = " +
                                std::to_string(u_star) + ", or every expert splits at once");
  }
  if (settings.steps_per_epoch < 1) {
    throw std::invalid_argument("growth field: at least one field step per epoch");
  }
  for (int e = 0; e < initial_experts; ++e) ring_.push_back(e);
}

void FieldGrowthPolicy::start_growth(int epoch) { last_change_epoch_ = epoch; }

GrowthDecision FieldGrowthPolicy::decide(int epoch, const std::vector<float>& utilization,
                                         int cooldown_epochs) {
  const auto experts = static_cast<double>(utilization.size());
  std::vector<double> source(ring_.size(), 0.0);
  for (std::size_t cell = 0; cell < ring_.size(); ++cell) {
    const auto expert = static_cast<std::size_t>(ring_[cell]);
    if (expert < utilization.size()) {
      source[cell] = settings_.coupling * (experts * utilization[expert] - 1.0);
    }
  }
  field_.advance(settings_.steps_per_epoch, source);

  const auto& u = field_.u();
  const auto peak = std::max_element(u.begin(), u.end());
  if (*peak <= settings_.threshold) return {false, -1, "below threshold"};
  if (static_cast<int>(utilization.size()) >= max_experts_) return {false, -1, "cap"};
  if (last_change_epoch_ >= 0 && epoch - last_change_epoch_ < cooldown_epochs) {
    return {false, -1, "cooldown"};
  }
  return {true, ring_[static_cast<std::size_t>(peak - u.begin())], "field"};
}

void FieldGrowthPolicy::record_split(int epoch, int parent, int child) {
  const auto at = std::find(ring_.begin(), ring_.end(), parent);
  if (at == ring_.end()) throw std::invalid_argument("growth field: unknown parent expert");
  const auto cell = static_cast<int>(at - ring_.begin());
  field_.split(cell);
  ring_.insert(ring_.begin() + cell + 1, child);
  last_change_epoch_ = epoch;
}

std::vector<double> FieldGrowthPolicy::by_expert(const std::vector<double>& by_cell) const {
  std::vector<double> out(ring_.size(), 0.0);
  for (std::size_t cell = 0; cell < ring_.size(); ++cell) {
    out[static_cast<std::size_t>(ring_[cell])] = by_cell[cell];
  }
  return out;
}

std::vector<double> FieldGrowthPolicy::activator_by_expert() const { return by_expert(field_.u()); }
std::vector<double> FieldGrowthPolicy::inhibitor_by_expert() const { return by_expert(field_.v()); }

}  // namespace moelab
