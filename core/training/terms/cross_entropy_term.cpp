#include "training/terms/cross_entropy_term.h"

#include <algorithm>
#include <cmath>

namespace moelab {

torch::Tensor CrossEntropyTerm::reference(const ReferenceInputs& in) const {
  return torch::nn::functional::cross_entropy(in.logits, in.labels);
}

double CrossEntropyTerm::fused(const FusedStepView& v, double weight) const {
  const auto C = v.classes;
  const float scale = static_cast<float>(weight / static_cast<double>(v.batch));
  double loss = 0.0;
  for (std::int64_t i = 0; i < v.batch; ++i) {
    const float* z = v.logits + i * C;
    const std::int64_t label = v.labels[i];
    const float top = *std::max_element(z, z + C);
    float sum = 0.0f;
    for (std::int64_t c = 0; c < C; ++c) sum += std::exp(z[c] - top);
    const float log_sum = std::log(sum);
    loss -= z[label] - top - log_sum;
    if (weight == 0.0) continue;
    float* d = v.d_logits + i * C;
    for (std::int64_t c = 0; c < C; ++c) {
      d[c] += (std::exp(z[c] - top - log_sum) - (c == label ? 1.0f : 0.0f)) * scale;
    }
  }
  return loss / static_cast<double>(v.batch);
}

}  // namespace moelab
