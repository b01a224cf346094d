#pragma once
// Adam's update for every parameter of a LibTorch Adam optimiser, as one pass over each
// parameter's memory instead of eight tensor operations per parameter.
//
// Why: the default model has ten small parameter tensors, so torch::optim::Adam::step() spent
// ~80 operator dispatches per training step on a few thousand numbers each. The optimiser's
// options and state stay LibTorch's own (AdamOptions, AdamParamState with step, exp_avg and
// exp_avg_sq), so a split grows the state as before and the update is the same formula as
// torch::optim::Adam::step() (tests/test_fused_step.cpp compares them).

#include <torch/torch.h>

namespace moelab {

// Applies one Adam step to every parameter that has a gradient. Throws std::invalid_argument for
// options it does not implement (amsgrad) or tensors that are not float32.
void adam_update(torch::optim::Adam& optimizer);

}  // namespace moelab
