#pragma once
// --prune-dormant: remove an expert from the model for good.

#include <torch/torch.h>

#include "model/moe_model.h"

namespace moelab {

// Removes expert `expert`: its row of every expert parameter (router row and bias, both layers),
// its selection bias and its rows of Adam's moments. The experts after it move down one index.
// Throws std::out_of_range for an expert the model does not have and std::invalid_argument when
// it is the last one.
void prune_expert(MoeModelImpl& model, torch::optim::Adam& optimizer, std::int64_t expert);

}  // namespace moelab
