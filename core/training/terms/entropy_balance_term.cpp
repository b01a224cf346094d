#include "training/terms/entropy_balance_term.h"

#include <cmath>

#include "training/routing_losses.h"

namespace moelab {

torch::Tensor EntropyBalanceTerm::reference(const ReferenceInputs& in) const {
  return -entropy_balance_of_share(in.slot_share);
}

double EntropyBalanceTerm::fused(const FusedStepView& v, double weight) const {
  const auto E = v.experts;
  if (E < 2) return 0.0;
  const double floor = kIdleShareFloor / static_cast<double>(E);
  const double log_e = std::log(static_cast<double>(E));
  double entropy = 0.0;
  for (std::int64_t e = 0; e < E; ++e) {
    const double s = v.slot_share[e];
    entropy -= s * std::log(s + floor);
    // d(-entropy / log E)/ds = (log(s + floor) + s / (s + floor)) / log E
    if (weight != 0.0) v.d_slot_share[e] += weight * (std::log(s + floor) + s / (s + floor)) / log_e;
  }
  return -entropy / log_e;
}

}  // namespace moelab
