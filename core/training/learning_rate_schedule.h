#pragma once
// The learning rate of each epoch: the base rate through the seed phase, then a cosine from the
// base rate at the first growth epoch to final_lr_fraction of it at the last (constant when the
// fraction is 1, the default).

#include <torch/torch.h>

#include "config/run_config.h"

namespace moelab {

// `base` is training.learning_rate unless a schedule entry changed it.
double learning_rate_for(const TrainingConfig& training, double base, int epoch);

void set_learning_rate(torch::optim::Adam& optimizer, double learning_rate);

}  // namespace moelab
