#include "growth/field_growth_policy.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace moelab {

namespace {

const FieldGrowthSettings& checked(const FieldGrowthSettings& settings) {
  if (const auto problem = field_growth_problem(settings); !problem.empty()) {
    throw std::invalid_argument("growth field: " + problem);
  }
  return settings;
}

}  // namespace

FieldGrowthPolicy::FieldGrowthPolicy(const FieldGrowthSettings& settings, int initial_experts,
                                     int max_experts)
    : settings_(checked(settings)),
      max_experts_(max_experts),
      field_(settings.field, initial_experts) {
  for (int e = 0; e < initial_experts; ++e) ring_.push_back(e);
}

void FieldGrowthPolicy::start_growth(int epoch, double) { last_change_epoch_ = epoch; }

GrowthDecision FieldGrowthPolicy::decide(int epoch, double, const std::vector<float>& utilization,
                                         int cooldown_epochs, std::uint64_t tie_break) {
  if (utilization.size() != ring_.size()) {
    throw std::invalid_argument("growth field: " + std::to_string(utilization.size()) +
                                " experts' utilisation for a field of " +
                                std::to_string(ring_.size()) + " cells");
  }
  const auto experts = static_cast<double>(utilization.size());
  const double total = std::accumulate(utilization.begin(), utilization.end(), 0.0);
  std::vector<double> source(ring_.size(), 0.0);
  if (total > 0) {
    for (std::size_t cell = 0; cell < ring_.size(); ++cell) {
      const double load = utilization[static_cast<std::size_t>(ring_[cell])] / total;
      source[cell] = settings_.coupling * (experts * load - 1.0);
    }
  }
  field_.advance(settings_.steps_per_epoch, source);

  const auto& u = field_.u();
  const double peak = *std::max_element(u.begin(), u.end());
  if (peak <= settings_.threshold) return {false, -1, "below threshold"};
  if (static_cast<int>(utilization.size()) >= max_experts_) return {false, -1, "cap"};
  if (last_change_epoch_ && epoch - *last_change_epoch_ < cooldown_epochs) {
    return {false, -1, "cooldown"};
  }
  // Cells level with the peak (a symmetric field) are told apart by the run's tie break.
  std::vector<int> tied;
  for (std::size_t cell = 0; cell < u.size(); ++cell) {
    if (u[cell] == peak) tied.push_back(ring_[cell]);
  }
  return {true, tied[tie_break % tied.size()], "field"};
}

int FieldGrowthPolicy::cell_of(int expert) const {
  const auto at = std::find(ring_.begin(), ring_.end(), expert);
  if (at == ring_.end()) {
    throw std::invalid_argument("growth field: no cell for expert " + std::to_string(expert));
  }
  return static_cast<int>(at - ring_.begin());
}

void FieldGrowthPolicy::record_split(int epoch, int parent, int child) {
  const int cell = cell_of(parent);
  field_.split(cell);
  ring_.insert(ring_.begin() + cell + 1, child);
  last_change_epoch_ = epoch;
}

void FieldGrowthPolicy::record_prune(int expert) {
  const int cell = cell_of(expert);
  field_.remove(cell);
  ring_.erase(ring_.begin() + cell);
  for (auto& e : ring_) {
    if (e > expert) --e;
  }
}

int FieldGrowthPolicy::split_budget(int growth_epochs, int cooldown_epochs,
                                    int initial_experts) const {
  return split_budget_for(growth_epochs, cooldown_epochs, initial_experts, max_experts_);
}

GrowthPolicy::State FieldGrowthPolicy::state() const {
  State s;
  s.last_change_epoch = last_change_epoch_;
  s.field_u = field_.u();
  s.field_v = field_.v();
  s.ring = ring_;
  return s;
}

void FieldGrowthPolicy::restore(const State& state) {
  if (state.ring.size() != state.field_u.size()) {
    throw std::invalid_argument("growth field: the state's ring has " +
                                std::to_string(state.ring.size()) + " cells, its field " +
                                std::to_string(state.field_u.size()));
  }
  field_.set_state(state.field_u, state.field_v);
  ring_ = state.ring;
  last_change_epoch_ = state.last_change_epoch;
}

std::optional<GrowthField> FieldGrowthPolicy::field() const {
  return GrowthField{activator_by_expert(), inhibitor_by_expert(), settings_.threshold};
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
