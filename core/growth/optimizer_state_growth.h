#pragma once
// When a split grows a parameter by one row along dim 0, Adam's moments for that parameter must
// grow with it. This is the one place that knows how.

#include <torch/torch.h>

namespace moelab {

// Appends to every Adam state tensor of `param` a copy of row `source_row`, so the new row (the
// child expert) inherits its parent's moments as it inherits its weights. The state is keyed by
// the parameter's TensorImpl, which survives Tensor::set_data, so no re-keying is needed.
// A parameter with no state yet (before the first step) is left alone.
void grow_adam_state(torch::optim::Adam& optimizer, const torch::Tensor& param,
                     std::int64_t source_row);

// Appends a copy of `source_row` (plus optional noise) to `param` in place along dim 0.
void append_row_copy(torch::Tensor& param, std::int64_t source_row,
                     const torch::Tensor& noise = {});

}  // namespace moelab
