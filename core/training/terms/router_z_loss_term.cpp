#include "training/terms/router_z_loss_term.h"

namespace moelab {

torch::Tensor RouterZLossTerm::reference(const ReferenceInputs& in) const {
  return torch::logsumexp(in.router_logits, 1).pow(2).mean();
}

double RouterZLossTerm::fused(const FusedStepView& v, double weight) const {
  const auto B = v.batch;
  const auto E = v.experts;
  double value = 0.0;
  for (std::int64_t i = 0; i < B; ++i) {
    const double lse = v.router_lse[i];
    value += lse * lse;
    if (weight == 0.0) continue;
    // d(lse^2)/dz_e = 2 lse p_e, averaged over the batch.
    const float* p = v.router_probs + i * E;
    float* d = v.d_router_logits + i * E;
    const double scale = weight * 2.0 * lse / static_cast<double>(B);
    for (std::int64_t e = 0; e < E; ++e) d[e] += static_cast<float>(scale * p[e]);
  }
  return value / static_cast<double>(B);
}

}  // namespace moelab
