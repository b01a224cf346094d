#include "training/terms/diversity_term.h"

#include <vector>

#include "training/routing_losses.h"
#include "util/sgemm.h"

namespace moelab {

torch::Tensor DiversityTerm::reference(const ReferenceInputs& in) const {
  const auto outputs = in.probe_outputs();
  return kind_ == DiversityLoss::SignedCosine ? expert_output_similarity(outputs)
                                              : expert_output_squared_similarity(outputs);
}

// With G = U U^T the cosines of the unit rows U [E, n] and N = E (E - 1) ordered pairs:
//   signed:  value = sum_{i != j} G_ij / N,    dU = (2 / N) A U, A_ij = 1        (i != j)
//   squared: value = sum_{i != j} G_ij^2 / N,  dU = (4 / N) A U, A_ij = G_ij     (i != j)
double DiversityTerm::fused(const FusedStepView& v, double weight) const {
  const auto E = v.probe_experts;
  const auto n = v.probe_width;
  if (E < 2) return 0.0;
  std::vector<float> gram(static_cast<std::size_t>(E * E));
  sgemm(false, true, E, E, n, v.probe_unit, n, v.probe_unit, n, 0.0f, gram.data(), E);
  const bool squared = kind_ == DiversityLoss::SquaredCosine;
  const double pairs = static_cast<double>(E * (E - 1));
  double value = 0.0;
  std::vector<float> coefficient(static_cast<std::size_t>(E * E), 0.0f);
  const double scale = weight * (squared ? 4.0 : 2.0) / pairs;
  for (std::int64_t i = 0; i < E; ++i) {
    for (std::int64_t j = 0; j < E; ++j) {
      if (i == j) continue;
      const double g = gram[i * E + j];
      value += squared ? g * g : g;
      coefficient[i * E + j] = static_cast<float>(scale * (squared ? g : 1.0));
    }
  }
  if (weight != 0.0) {
    sgemm(false, false, E, n, E, coefficient.data(), E, v.probe_unit, n, 1.0f, v.d_probe_unit, n);
  }
  return value / pairs;
}

}  // namespace moelab
