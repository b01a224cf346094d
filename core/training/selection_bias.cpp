#include "training/selection_bias.h"

#include <stdexcept>
#include <string>

namespace moelab {

bool selection_bias_on(const TrainingConfig& training, const FixSwitches& fixes) {
  return training.balancer == Balancer::Bias && fixes.entropy_loss;
}

void nudge_selection_bias(torch::Tensor& bias, const std::vector<double>& slot_share, double rate) {
  const auto experts = bias.numel();
  if (static_cast<std::int64_t>(slot_share.size()) != experts) {
    throw std::invalid_argument("nudge_selection_bias: " + std::to_string(slot_share.size()) +
                                " loads for " + std::to_string(experts) + " experts");
  }
  if (experts == 0) return;
  const double mean = 1.0 / static_cast<double>(experts);
  float* b = bias.data_ptr<float>();
  for (std::int64_t e = 0; e < experts; ++e) {
    const double gap = mean - slot_share[e];
    // sign(gap): an expert exactly at the mean keeps its bias.
    b[e] += static_cast<float>(rate * static_cast<double>((gap > 0) - (gap < 0)));
  }
}

}  // namespace moelab
