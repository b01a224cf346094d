#pragma once
// --revive-dormant: give a dormant expert a second start instead of removing it.

#include <torch/torch.h>

#include "model/moe_model.h"

namespace moelab {

// Re-initialises expert `target` as a copy of expert `source` (the busiest), as a seed split
// would make a child, but in the dormant expert's place: every weight row copied with relative
// Gaussian noise of size `noise` (router biases exactly), the selection bias and Adam's moments
// copied, and both router biases then lowered by log 2, so that with zero noise the two share
// the routing mass `source` had. Noise comes from `generator` (the run's own). Throws
// std::out_of_range for an expert the model does not have, std::invalid_argument when
// target == source.
void revive_expert(MoeModelImpl& model, torch::optim::Adam& optimizer, std::int64_t target,
                   std::int64_t source, double noise,
                   c10::optional<at::Generator> generator = c10::nullopt);

}  // namespace moelab
