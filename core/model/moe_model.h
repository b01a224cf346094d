#pragma once
// The lab's mixture of experts: input projection D->H, router H->E, E expert MLPs H->F->H with
// top-k gating, and a linear classifier. Experts live in stacked tensors [E, ...] so that one
// batched product runs them all and a split grows each tensor in place.

#include <torch/torch.h>

#include "config/run_config.h"

namespace moelab {

struct MoeOutput {
  torch::Tensor logits;        // [B, C]
  torch::Tensor router_logits;  // [B, E]
  torch::Tensor router_probs;   // [B, E], softmax of the router logits
  torch::Tensor topk_indices;   // [B, k]
  // [B, k]: k = 1, the chosen expert's probability (Switch Transformer's rule); k >= 2, the
  // chosen probabilities renormalised to sum to 1.
  torch::Tensor gates;
};

class MoeModelImpl : public torch::nn::Module {
 public:
  MoeModelImpl(std::int64_t input_dim, std::int64_t num_classes, const ModelConfig& config);

  MoeOutput forward(const torch::Tensor& x, Dispatch dispatch = Dispatch::Auto);
  MoeOutput forward_hidden(const torch::Tensor& hidden, Dispatch dispatch = Dispatch::Auto);

  // The model's input projection, relu(W x + b): what router and experts are meant to see.
  torch::Tensor project(const torch::Tensor& x);
  torch::Tensor router_logits(const torch::Tensor& hidden);
  // Every expert on every sample: [E, B, H].
  torch::Tensor all_expert_outputs(const torch::Tensor& hidden);

  // Whether forward() with this dispatch runs the routed (gather/scatter) path at the current
  // expert count.
  bool routes(Dispatch dispatch) const;

  std::int64_t num_experts() const { return router_weight_.size(0); }
  std::int64_t effective_top_k() const { return std::min<std::int64_t>(top_k_, num_experts()); }
  std::int64_t input_dim() const { return input_dim_; }
  std::int64_t hidden_dim() const { return hidden_dim_; }

  // The parameters that grow by one row along dim 0 at every split, in a fixed order.
  std::vector<torch::Tensor> expert_parameters() const;

  // The bias balancer's per-expert bias [E] (DeepSeek-V3's auxiliary-loss-free balancing): added
  // to the router probabilities to choose each sample's top k while use_selection_bias is on,
  // never to the gates, and never trained by gradient (a buffer, not a parameter). It grows and
  // shrinks with the experts like a parameter row.
  torch::Tensor& selection_bias() { return selection_bias_; }
  const torch::Tensor& selection_bias() const { return selection_bias_; }
  bool uses_selection_bias() const { return use_selection_bias_; }
  void use_selection_bias(bool on) { use_selection_bias_ = on; }
  // The experts' top-k choice from their router probabilities [B, E]: by probability, plus the
  // selection bias while it is on.
  torch::Tensor select_experts(const torch::Tensor& router_probs) const;
  torch::nn::Linear& projection() { return projection_; }
  torch::nn::Linear& classifier() { return classifier_; }
  torch::Tensor& router_weight() { return router_weight_; }
  torch::Tensor& router_bias() { return router_bias_; }
  const torch::Tensor& expert_w_in() const { return w_in_; }
  const torch::Tensor& expert_b_in() const { return b_in_; }
  const torch::Tensor& expert_w_out() const { return w_out_; }
  const torch::Tensor& expert_b_out() const { return b_out_; }

 private:
  torch::Tensor combine(const torch::Tensor& hidden, const torch::Tensor& topk_indices,
                        const torch::Tensor& gates, Dispatch dispatch);
  torch::Tensor combine_dense(const torch::Tensor& hidden, const torch::Tensor& topk_indices,
                              const torch::Tensor& gates);
  torch::Tensor combine_routed(const torch::Tensor& hidden, const torch::Tensor& topk_indices,
                               const torch::Tensor& gates);

  std::int64_t input_dim_;
  std::int64_t hidden_dim_;
  std::int64_t top_k_;
  torch::nn::Linear projection_{nullptr};
  torch::nn::Linear classifier_{nullptr};
  torch::Tensor router_weight_;  // [E, H]
  torch::Tensor router_bias_;    // [E]
  torch::Tensor w_in_;           // [E, H, F]
  torch::Tensor b_in_;           // [E, 1, F]
  torch::Tensor w_out_;          // [E, F, H]
  torch::Tensor b_out_;          // [E, 1, H]
  torch::Tensor selection_bias_;  // [E], buffer
  bool use_selection_bias_ = false;
};
TORCH_MODULE(MoeModel);

// Whether Dispatch::Auto runs each expert on its routed samples only (routed) instead of every
// expert on every sample (dense). Both are the fused step with hand-derived gradients
// (training/fused_step.h). Dense does E expert passes per sample in a few large products, routed
// does k in a product pair per expert, so routed wins once E is a few times k. bench/dispatch_bench
// (docs/performance.md) measured routed 1.1-1.2x faster at E = 4k and 3.6-4.2x at 256 experts;
// below 4k the two were within about 10% of each other, either way from run to run, and there
// dense keeps the default run (2-4 experts at k = 2) the same byte for byte as it always was.
bool prefer_routed_dispatch(std::int64_t experts, std::int64_t top_k);

}  // namespace moelab
