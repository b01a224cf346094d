#pragma once
// The training step of the dense dispatch with hand-derived gradients: one forward and one
// backward pass over the diversity probe and the batch together, written as a few large matrix
// products (straight to BLAS, util/sgemm.h) plus plain loops, with every intermediate in buffers
// kept from step to step.
//
// Why: the default model is tiny (64-wide layers, 2-12 experts), so under autograd most of a step
// was per-operation overhead and allocation, not arithmetic. Here the experts' first layer is one
// product over [probe; batch] x [H, E*F]; the gated mixture is one product over
// [B, E*F] x [E*F, H], so no expert's output on the batch is ever formed; only the probe, which
// the diversity loss needs expert by expert, goes through one product per expert. Softmax, top-k,
// gates, the losses and their gradients, and the step's statistics are loops over a few
// thousand numbers.
//
// The losses are the ones the autograd path builds (cross entropy, the entropy balance term with
// its straight-through routed share, the diversity loss with or without the projection fix); the
// gradients match autograd's to float rounding (tests/test_fused_step.cpp). The order of the
// sums differs, so a run's metrics differ from an autograd run's in the last digits, and a run is
// still the same byte for byte from one launch to the next.

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "model/moe_model.h"

namespace moelab {

struct StepLossWeights {
  double entropy = 0.0;    // weight of minus the entropy balance objective; 0 = term off
  double diversity = 0.0;  // weight of the expert-output similarity on the probe; 0 = term off
  bool projection_fix = true;
};

// A step's loss terms as they enter the total (weighted), and its routing statistics.
struct StepScalars {
  double total = 0.0;
  double cross_entropy = 0.0;
  double entropy_term = 0.0;
  double diversity_term = 0.0;
  double usage_entropy = 0.0;   // normalised entropy of the routed share
  double sample_entropy = 0.0;  // mean normalised entropy of each sample's routing
  std::int64_t correct = 0;     // batch samples whose top logit is their label
};

struct StepLosses {
  StepScalars scalars;
  std::vector<double> usage;  // [E] routed share of the batch's top-k slots, sums to 1
  torch::Tensor total;        // autograd path only: the loss with its graph
};

class FusedDenseStep {
 public:
  // probe: the fixed diversity probe, raw features [P, D].
  explicit FusedDenseStep(torch::Tensor probe);
  ~FusedDenseStep();
  FusedDenseStep(const FusedDenseStep&) = delete;
  FusedDenseStep& operator=(const FusedDenseStep&) = delete;

  // Computes the losses on (x [B, D] float, y [B] int64) and sets every parameter's gradient to
  // the gradient of the total (replacing, not accumulating).
  StepLosses run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                 const StepLossWeights& weights);

 private:
  struct Workspace;
  torch::Tensor probe_;
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace moelab
