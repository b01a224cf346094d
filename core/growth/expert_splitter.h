#pragma once
// The seed's growth step: split an expert into parent and child.

#include <torch/torch.h>



#include "model/moe_model.h"

namespace moelab {

// The child is a copy of `parent` with relative Gaussian noise of size `noise` on its weights and
// router row; both router biases are lowered by log 2 so that, with zero noise, the router's
// probability of parent + child equals the parent's before the split. The optimiser's state grows
// with the parameters. Returns the child's index (the new last expert).
// Noise is drawn from `generator` (the run's own, so concurrent runs stay reproducible).
std::int64_t split_expert(MoeModelImpl& model, torch::optim::Adam& optimizer,
                          std::int64_t parent, double noise,
                          c10::optional<at::Generator> generator = c10::nullopt);

}  // namespace moelab
