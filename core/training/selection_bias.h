#pragma once
// The bias balancer (DeepSeek-V3's auxiliary-loss-free load balancing, Wang et al. 2024): each
// expert has a bias that is added to its router probability when a sample's top k are chosen,
// and only then; the gates stay the router's own probabilities, so the task's gradient is the one
// an unbiased router would get for that choice. After every training step each bias moves a fixed
// step towards an even load: up for an expert below the mean load, down above it. No gradient,
// no loss term: the bias lives in the model (MoeModelImpl::selection_bias) and in the
// checkpoint, and grows and shrinks with the experts.

#include <vector>

#include <torch/torch.h>

#include "config/run_config.h"

namespace moelab {

// Whether the bias steers the routing at these settings: training.balancer is "bias" and the
// load-balancing switch is on. Off, the bias is kept as it is (not applied, not moved), so that
// turning the switch back on continues from it.
bool selection_bias_on(const TrainingConfig& training, const FixSwitches& fixes);

// One step's update: b_i += rate * sign(mean load - load_i), from the step's share of the top-k
// slots per expert (`slot_share`, sums to 1, so the mean load is 1/E).
void nudge_selection_bias(torch::Tensor& bias, const std::vector<double>& slot_share, double rate);

}  // namespace moelab
