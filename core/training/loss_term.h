#pragma once
// One loss term, described once: its name (the metrics column loss_<name>), its chart label, its
// weight in a run, its autograd reference (the specification), and its fused forward and
// backward written against the fused step's gradient entry points. The autograd path is the
// weighted sum of the references; the fused step calls the fused halves; metrics columns, CSV
// headers, chart lines and the tests' harness all walk the same list. Adding a term is one class
// in loss_terms.cpp and one line in make_loss_terms().

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "model/moe_model.h"
#include "training/loss_term_catalog.h"

namespace moelab {

// What the autograd path hands each term's reference.
struct ReferenceInputs {
  torch::Tensor logits;         // [B, C]
  torch::Tensor labels;         // [B] int64
  torch::Tensor router_logits;  // [B, E]
  torch::Tensor router_probs;   // [B, E]
  torch::Tensor slot_share;     // [E] share of top-k slots; gradient straight through the soft mean
  // The experts' outputs on the diversity probe [E, P, H], computed only if a term asks.
  std::function<torch::Tensor()> probe_outputs;
};

// The fused step's forward values (read) and gradient entry points (added to) for one step.
// A term adds weight * d(its value) to the entry points it depends on; the step carries every
// entry point back to the parameters.
struct FusedStepView {
  std::int64_t batch = 0, experts = 0, top_k = 0, classes = 0;
  std::int64_t probe_experts = 0;        // rows of probe_unit (0: no probe this step)
  std::int64_t probe_width = 0;          // P * H, the length of one expert's probe output
  const float* logits = nullptr;         // [B, C]
  const std::int64_t* labels = nullptr;  // [B]
  const float* router_probs = nullptr;   // [B, E]
  const float* router_lse = nullptr;     // [B]: log-sum-exp of each sample's router logits
  const double* slot_share = nullptr;    // [E]
  const float* probe_unit = nullptr;     // [E, P*H]: each expert's probe output, unit length
  float* d_logits = nullptr;             // [B, C]
  double* d_slot_share = nullptr;        // [E] (the step passes it through the soft mean)
  float* d_router_logits = nullptr;      // [B, E]
  float* d_probe_unit = nullptr;         // [E, P*H]
};

class LossTerm {
 public:
  virtual ~LossTerm() = default;
  virtual const char* name() const = 0;   // metrics column loss_<name>
  virtual const char* label() const = 0;  // chart legend
  // The term's weight at a step (0 = off): from the training settings and the live switches.
  virtual double weight(const TrainingConfig& training, const FixSwitches& fixes) const = 0;
  virtual bool needs_probe() const { return false; }
  // The unweighted term as a differentiable tensor: the specification the fused half must match.
  virtual torch::Tensor reference(const ReferenceInputs& in) const = 0;
  // The unweighted value; adds weight * gradient to the view's entry points.
  virtual double fused(const FusedStepView& view, double weight) const = 0;
};

using LossTerms = std::vector<std::unique_ptr<const LossTerm>>;

// The run's terms, in their fixed order: cross_entropy, entropy, diversity, switch, z_loss.
LossTerms make_loss_terms(const TrainingConfig& training);

// The references' inputs from the model's own forward `out` on a batch with labels `labels`; the
// probe goes through the input projection only with the projection fix, and its outputs are those
// of `probe_experts` (training/probe_subset.h) in that order, or of every expert if it is empty.
ReferenceInputs reference_inputs(MoeModelImpl& model, const MoeOutput& out,
                                 const torch::Tensor& labels, const torch::Tensor& probe,
                                 bool projection_fix,
                                 const std::vector<std::int64_t>& probe_experts = {});

// Whether the step runs the diversity probe: a term that needs it has a non-zero weight and there
// are at least two experts to compare.
bool probe_is_on(const LossTerms& terms, const std::vector<double>& weights, std::int64_t experts);

// Every term's reference times its weight, in order; a zero for a term that is off (weight 0,
// or a probe term with fewer than two experts). Their sum is the autograd path's loss.
std::vector<torch::Tensor> weighted_references(const LossTerms& terms, const ReferenceInputs& in,
                                               const std::vector<double>& weights,
                                               std::int64_t experts);

}  // namespace moelab
