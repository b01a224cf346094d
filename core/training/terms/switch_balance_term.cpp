#include "training/terms/switch_balance_term.h"

#include <vector>

namespace moelab {

torch::Tensor SwitchBalanceTerm::reference(const ReferenceInputs& in) const {
  const auto experts = static_cast<double>(in.router_probs.size(1));
  return (in.slot_share.detach() * in.router_probs.mean(0)).sum() * experts;
}

double SwitchBalanceTerm::fused(const FusedStepView& v, double weight) const {
  const auto B = v.batch;
  const auto E = v.experts;
  std::vector<double> mean_probability(static_cast<std::size_t>(E), 0.0);
  for (std::int64_t i = 0; i < B; ++i) {
    for (std::int64_t e = 0; e < E; ++e) mean_probability[e] += v.router_probs[i * E + e];
  }
  double value = 0.0;
  for (std::int64_t e = 0; e < E; ++e) {
    value += v.slot_share[e] * mean_probability[e] / static_cast<double>(B);
  }
  value *= static_cast<double>(E);
  if (weight == 0.0) return value;
  // d/dp_ie = weight * E * f_e / B, carried through each sample's softmax.
  std::vector<double> g(static_cast<std::size_t>(E));
  for (std::int64_t e = 0; e < E; ++e) {
    g[e] = weight * static_cast<double>(E) * v.slot_share[e] / static_cast<double>(B);
  }
  for (std::int64_t i = 0; i < B; ++i) {
    const float* p = v.router_probs + i * E;
    double along = 0.0;
    for (std::int64_t e = 0; e < E; ++e) along += p[e] * g[e];
    float* d = v.d_router_logits + i * E;
    for (std::int64_t e = 0; e < E; ++e) d[e] += static_cast<float>(p[e] * (g[e] - along));
  }
  return value;
}

}  // namespace moelab
