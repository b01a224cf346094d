#pragma once
// The fused step's state between its phases (training/fused_step.h), shared by its forward half
// (fused_step.cpp) and its backward half (fused_step_backward.cpp). Private to those two files.

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/moe_model.h"
#include "training/fused_step.h"
#include "training/routed_mixture.h"

namespace moelab {

namespace fused_step_detail {

constexpr float kNormalizeEps = 1e-8f;  // as expert_output_similarity's normalize

inline float* f32(const torch::Tensor& t) { return t.data_ptr<float>(); }

// The model's parameters by role.
struct Params {
  explicit Params(MoeModelImpl& model)
      : projection_w(model.projection()->weight),
        projection_b(model.projection()->bias),
        router_w(model.router_weight()),
        router_b(model.router_bias()),
        w_in(model.expert_w_in()),
        b_in(model.expert_b_in()),
        w_out(model.expert_w_out()),
        b_out(model.expert_b_out()),
        classifier_w(model.classifier()->weight),
        classifier_b(model.classifier()->bias),
        selection_bias(model.uses_selection_bias() ? model.selection_bias() : torch::Tensor()) {}

  torch::Tensor projection_w, projection_b, router_w, router_b, w_in, b_in, w_out, b_out,
      classifier_w, classifier_b;
  torch::Tensor selection_bias;  // [E] while the bias balancer chooses the top k; else undefined
};

}  // namespace fused_step_detail

// The model's parameters, the step's sizes and every intermediate, in buffers reused while the
// shapes stay the same (they change at a split, when a switch turns the probe on or off, and when
// a batch is larger than any before). Expert inputs are the probe's rows first (P of them, none
// when the diversity loss is off), then the batch's.
struct FusedStep::Workspace {
  using Params = fused_step_detail::Params;

  // Shapes the buffers were made for.
  std::int64_t probe_rows = -1, batch_capacity = 0, inputs = 0, hidden = 0, experts = 0, inner = 0,
               top_k = 0, classes = 0;
  bool probe_through_projection = false;

  torch::Tensor input;             // [P + Bcap, D]: probe rows stay, batch rows are copied in
  torch::Tensor expert_input;      // [P + Bcap, H]: relu(projection), or the bypassed probe rows
  torch::Tensor probs;             // [Bcap, E]
  torch::Tensor gate_matrix;       // [Bcap, E]
  torch::Tensor w_in_cat;          // [H, E*F]: expert e's first layer in columns e*F..
  torch::Tensor inner_out;         // [P + Bcap, E*F]: relu(first layer)
  torch::Tensor gated;             // [Bcap, E*F]: batch rows of inner_out, block e times gate e
  torch::Tensor mixed;             // [Bcap, H]
  torch::Tensor logits;            // [Bcap, C]
  torch::Tensor d_logits;          // [Bcap, C]
  torch::Tensor probe_unit;        // [E, P, H]: expert outputs on the probe, then unit rows
  torch::Tensor d_probe;           // [E, P, H]: d(loss)/d(unit rows), then d(loss)/d(outputs)
  torch::Tensor d_mixed;           // [Bcap, H]
  torch::Tensor d_gated;           // [Bcap, E*F]
  torch::Tensor d_gate_matrix;     // [Bcap, E]
  torch::Tensor d_inner;           // [P + Bcap, E*F]
  torch::Tensor d_expert_input;    // [P + Bcap, H]
  torch::Tensor d_router;          // [Bcap, E]: every term's gradient on the router logits
  torch::Tensor d_router_task;     // [Bcap, E]: the part that came through the gates
  torch::Tensor router_task_grad;  // [E, H]: the task's gradient on the router weights
  torch::Tensor w_in_grad_cat;     // [H, E*F]
  std::vector<std::int64_t> top_index;     // [Bcap, k], by descending probability
  std::vector<float> top_sum;              // [Bcap]
  std::vector<float> probe_norm;           // [E]
  std::vector<double> d_share, usage;      // [E]: d(loss)/d(slot share), slot share
  std::vector<std::int64_t> expert_order;  // [E], one sample's experts by probability
  std::vector<float> d_probs;              // [E], one sample's task d(loss)/d(probs)
  std::vector<float> router_lse;           // [Bcap]: log-sum-exp of the router logits
  std::vector<float> biased_score;         // [E], one sample's probability + bias
  std::vector<float> column_sum;           // [H]
  // This step's dispatch and probe: the experts on the probe (all of them unless a subset was
  // drawn), and whether the probe runs expert by expert (routed, or a subset) instead of inside
  // the dense first-layer product.
  bool routed = false, probe_by_expert = false;
  std::vector<std::int64_t> probe_list;
  RoutedMixture routed_mixture;

  bool fits(std::int64_t p, std::int64_t b, std::int64_t d, std::int64_t h, std::int64_t e,
            std::int64_t f, std::int64_t k, std::int64_t c, bool through) const {
    return p == probe_rows && b <= batch_capacity && d == inputs && h == hidden && e == experts &&
           f == inner && k == top_k && c == classes && through == probe_through_projection;
  }

  void make(const torch::Tensor& probe, std::int64_t p, std::int64_t b, std::int64_t d,
            std::int64_t h, std::int64_t e, std::int64_t f, std::int64_t k, std::int64_t c,
            bool through);

  // The phases of run(), in order. B = batch rows of this call.
  void project(const Params& w, const torch::Tensor& x, std::int64_t b);
  void route(const Params& w, std::int64_t b, StepScalars& out);
  void mix_experts(const Params& w, std::int64_t b);
  void classify(const Params& w, const std::int64_t* labels, std::int64_t b, StepScalars& out);
  void probe_outputs(const Params& w);
  void apply_terms(const LossTerms& terms, const StepSettings& settings, const std::int64_t* labels,
                   std::int64_t b, StepScalars& out);
  void backward_mixture(const Params& w, std::int64_t b);
  void backward_probe(const Params& w);
  void backward_first_layer(const Params& w, std::int64_t b);
  void backward_router(const Params& w, std::int64_t b, StepLosses& out);
  void backward_projection(const Params& w, std::int64_t b);
  void probe_first_layer(const Params& w);
  void backward_probe_first_layer(const Params& w);

  // Rows the projection sees: the probe's too when it goes through it.
  std::int64_t projection_begin() const { return probe_through_projection ? 0 : probe_rows; }
};

}  // namespace moelab
