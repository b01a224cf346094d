#pragma once
// Which experts the diversity probe runs on at a step.
//
// Why: the diversity loss is the mean, over ordered pairs of distinct experts, of a function of
// their outputs' cosine on the probe. Run on every expert it costs E probe passes and E^2 cosines
// a step, which at 64 experts and k = 2 is 64 times the batch's own expert work. The mean over the
// ordered pairs of m experts drawn uniformly without replacement is an unbiased estimate of the
// same mean: by symmetry every ordered pair of distinct experts is equally likely to be in the
// subset, so each pair's term has the same expectation as the full mean, and so does the
// gradient, which is linear in the pairs' terms. Its cost follows m, not E
// (tests/test_probe_subset.cpp checks the mean over many draws against the full loss).
//
// With E <= m (the default m = 12 is the default run's largest expert count) nothing is drawn and
// the probe is the seed's full probe; the run's generator is then not touched, so such a run is
// the same byte for byte as before the subset existed.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "training/loss_term.h"

namespace moelab {

// The experts of a step's probe: `size` of the `experts`, drawn from `generator` without
// replacement and sorted, if the probe is on (a probe term with a non-zero weight, two experts or
// more) and size < experts; otherwise empty (every expert, or no probe).
std::vector<std::int64_t> draw_probe_experts(const LossTerms& terms,
                                             const std::vector<double>& weights,
                                             std::int64_t experts, std::int64_t size,
                                             at::Generator& generator);

// `chosen` checked (ascending, distinct, below `experts`, at least two), or every expert
// 0..experts-1 if it is empty.
std::vector<std::int64_t> probe_experts_or_all(const std::vector<std::int64_t>& chosen,
                                               std::int64_t experts);

}  // namespace moelab
