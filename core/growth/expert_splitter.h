#pragma once
// The growth step: split an expert into parent and child.

#include <torch/torch.h>

#include "config/run_config.h"
#include "model/moe_model.h"

namespace moelab {

// How far below its parent's router logit a preserving split starts the child: e^-30 ~ 1e-13 of
// the parent's probability, below float rounding of every other probability, so no sample's top-k
// choice and no gate changes beyond rounding.
constexpr double kPreservingChildOffset = 30.0;

// The child is a copy of `parent` with relative Gaussian noise of size `noise` on its weights and
// router row (router biases are copied exactly). Then, by `mode`:
//   Seed: both router biases are lowered by log 2, so that with zero noise the router's
//     probability of parent + child equals the parent's before the split. Under top-k gating that
//     still changes the mixture: the two halves compete for the same top-k slots.
//   Preserving: the parent keeps its bias and the child's is kPreservingChildOffset lower, so with
//     zero noise the model computes the same outputs; SplitRelease then moves both biases to the
//     seed split's over the next steps.
// The optimiser's state and the selection bias (the child's is its parent's) grow with the
// parameters. Returns the child's index (the new last
// expert). Noise is drawn from `generator` (the run's own, so concurrent runs stay reproducible).
// Gaussian noise for a copy of row `row` of `param`: `noise` times the row's standard deviation
// (its absolute value for a single number; 1 for a zero row). Undefined when noise <= 0.
torch::Tensor relative_row_noise(const torch::Tensor& param, std::int64_t row, double noise,
                                 const c10::optional<at::Generator>& generator);

std::int64_t split_expert(MoeModelImpl& model, torch::optim::Adam& optimizer,
                          std::int64_t parent, double noise,
                          c10::optional<at::Generator> generator = c10::nullopt,
                          SplitMode mode = SplitMode::Seed);

}  // namespace moelab
