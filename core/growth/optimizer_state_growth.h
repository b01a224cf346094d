#pragma once
// When a split grows a parameter by one row along dim 0 (or pruning removes a row, or reviving
// overwrites one), Adam's moments for that parameter must change with it. This is the one place
// that knows how.

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

// Removes row `row` of every Adam state tensor of `param` (a pruned expert's moments).
void remove_adam_row(torch::optim::Adam& optimizer, const torch::Tensor& param, std::int64_t row);
// Removes row `row` of `param` in place along dim 0 (the TensorImpl, and so the optimiser's key,
// survives); drops its gradient, whose shape no longer fits.
void remove_row(torch::Tensor& param, std::int64_t row);

// Copies row `source_row` of every Adam state tensor of `param` over row `target_row`: a revived
// expert inherits the moments of the expert it is copied from, as a split's child does.
void copy_adam_row(torch::optim::Adam& optimizer, const torch::Tensor& param,
                   std::int64_t source_row, std::int64_t target_row);

}  // namespace moelab
