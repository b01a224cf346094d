#pragma once
// The training step with hand-derived gradients (dense dispatch, and routed: see below): one
// forward and one backward pass over the diversity probe and the batch together, written as a few
// large matrix products (straight to BLAS, util/sgemm.h) plus plain loops, with every intermediate
// in buffers kept from step to step.
//
// Why: the default model is tiny (64-wide layers, 2-12 experts), so under autograd most of a step
// was per-operation overhead and allocation, not arithmetic. Here the experts' first layer is one
// product over [probe; batch] x [H, E*F]; the gated mixture is one product over
// [B, E*F] x [E*F, H], so no expert's output on the batch is ever formed; only the probe, which
// the diversity loss needs expert by expert, goes through one product per expert. Softmax, top-k,
// gates, the losses and their gradients, and the step's statistics are loops over a few
// thousand numbers.
//
// The losses are the run's loss terms (training/loss_term.h): the step computes the forward
// values each term reads, calls each term's fused half, which adds its weighted gradient to the
// step's entry points (logits, router logits, slot share, unit probe outputs), and carries those
// back to the parameters. The gradients match the terms' autograd references to float rounding
// (tests/test_fused_step.cpp). The order of the sums differs, so a run's metrics differ from an
// autograd run's in the last digits, and a run is still the same byte for byte from one launch to
// the next.
//
// The routed dispatch (settings.routed) replaces only the batch's mixture: each expert runs on the
// samples that chose it (training/routed_mixture.h), so the batch costs k expert passes per sample
// instead of E. The probe then runs expert by expert, and only on the experts the step's
// probe subset names (all of them by default): what the diversity term sees is the same either
// way. With the dense dispatch and the full probe the step is the one described above, unchanged.
//
// Gates: with k = 1 an expert's gate is its router probability p (as in Switch Transformer):
// renormalising would make every gate p/p = 1 and leave the router without any gradient from the
// task. With k >= 2 the gates are the chosen probabilities renormalised to sum to 1, so the task
// moves the router through the ratios between the chosen experts.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "model/moe_model.h"
#include "training/loss_term.h"

namespace moelab {

struct StepSettings {
  std::vector<double> weights;  // per loss term, in the run's term order; 0 = term off
  bool projection_fix = true;   // the probe goes through the input projection
  // The routed mixture (training/routed_mixture.h: each expert on its routed samples only)
  // instead of the dense one (every expert on every sample). Same gradients, different cost.
  bool routed = false;
  // The experts the diversity probe runs this step, ascending and distinct (at least two);
  // empty = every expert, the seed's full probe (training/probe_subset.h).
  std::vector<std::int64_t> probe_experts;
};

// A step's loss terms as they enter the total (weighted), and its routing statistics.
struct StepScalars {
  double total = 0.0;
  std::vector<double> terms;           // weighted, in the run's term order
  double usage_entropy = 0.0;          // normalised entropy of the slot share
  double sample_entropy = 0.0;         // mean normalised entropy of each sample's routing
  std::int64_t correct = 0;            // batch samples whose top logit is their label
  double router_task_grad_norm = 0.0;  // norm of the task's gradient on the router weights
};

struct StepLosses {
  StepScalars scalars;
  std::vector<double> slot_share;        // [E] share of the batch's top-k slots, sums to 1
  std::vector<double> router_task_grad;  // [E] norm of the task's gradient on each router row
  torch::Tensor total;                   // autograd path only: the loss with its graph
};

// The step's settings at the run's current switches: every term's weight and the projection fix.
StepSettings step_settings(const LossTerms& terms, const TrainingConfig& training,
                           const FixSwitches& fixes);

class FusedStep {
 public:
  // probe: the fixed diversity probe, raw features [P, D]. terms must outlive the step.
  FusedStep(torch::Tensor probe, const LossTerms& terms);
  ~FusedStep();
  FusedStep(const FusedStep&) = delete;
  FusedStep& operator=(const FusedStep&) = delete;

  // Computes the losses on (x [B, D] float, y [B] int64) and sets every parameter's gradient to
  // the gradient of the total (replacing, not accumulating).
  StepLosses run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                 const StepSettings& settings);

 private:
  struct Workspace;
  torch::Tensor probe_;
  const LossTerms& terms_;
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace moelab
