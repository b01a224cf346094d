#include "model/moe_model.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace moelab {

namespace {

// Same scale as torch::nn::Linear's default (Kaiming-uniform with a = sqrt(5)).
torch::Tensor uniform_like_linear(std::vector<std::int64_t> shape, std::int64_t fan_in) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return torch::empty(shape).uniform_(-bound, bound);
}

}  // namespace

MoeModelImpl::MoeModelImpl(std::int64_t input_dim, std::int64_t num_classes,
                           const ModelConfig& config)
    : input_dim_(input_dim), hidden_dim_(config.hidden), top_k_(config.top_k) {
  const std::int64_t experts = config.initial_experts;
  const std::int64_t inner = config.expert_hidden;
  projection_ = register_module("projection", torch::nn::Linear(input_dim, hidden_dim_));
  router_weight_ =
      register_parameter("router_weight", uniform_like_linear({experts, hidden_dim_}, hidden_dim_));
  router_bias_ = register_parameter("router_bias", uniform_like_linear({experts}, hidden_dim_));
  w_in_ = register_parameter("expert_w_in",
                             uniform_like_linear({experts, hidden_dim_, inner}, hidden_dim_));
  b_in_ = register_parameter("expert_b_in", uniform_like_linear({experts, 1, inner}, hidden_dim_));
  w_out_ =
      register_parameter("expert_w_out", uniform_like_linear({experts, inner, hidden_dim_}, inner));
  b_out_ = register_parameter("expert_b_out", uniform_like_linear({experts, 1, hidden_dim_}, inner));
  classifier_ = register_module("classifier", torch::nn::Linear(hidden_dim_, num_classes));
  selection_bias_ = register_buffer("selection_bias", torch::zeros({experts}));
}

torch::Tensor MoeModelImpl::project(const torch::Tensor& x) { return torch::relu(projection_(x)); }

torch::Tensor MoeModelImpl::router_logits(const torch::Tensor& hidden) {
  return torch::addmm(router_bias_, hidden, router_weight_.t());
}

torch::Tensor MoeModelImpl::all_expert_outputs(const torch::Tensor& hidden) {
  const auto experts = num_experts();
  auto shared = hidden.unsqueeze(0).expand({experts, hidden.size(0), hidden.size(1)});
  auto inner = torch::relu(torch::baddbmm(b_in_, shared, w_in_));
  return torch::baddbmm(b_out_, inner, w_out_);
}

MoeOutput MoeModelImpl::forward(const torch::Tensor& x, Dispatch dispatch) {
  return forward_hidden(project(x), dispatch);
}

MoeOutput MoeModelImpl::forward_hidden(const torch::Tensor& hidden, Dispatch dispatch) {
  MoeOutput out;
  out.router_logits = router_logits(hidden);
  out.router_probs = torch::softmax(out.router_logits, 1);
  torch::Tensor top_probs;
  if (use_selection_bias_) {
    // The bias chooses, the probabilities gate: the gates' values stay the router's own.
    out.topk_indices = select_experts(out.router_probs);
    top_probs = out.router_probs.gather(1, out.topk_indices);
  } else {
    std::tie(top_probs, out.topk_indices) = out.router_probs.topk(effective_top_k(), 1);
  }
  // k = 1: the gate is the probability itself, or the task could not move the router (p/p = 1).
  out.gates = effective_top_k() == 1 ? top_probs : top_probs / top_probs.sum(1, /*keepdim=*/true);
  out.logits = classifier_(combine(hidden, out.topk_indices, out.gates, dispatch));
  return out;
}

torch::Tensor MoeModelImpl::combine(const torch::Tensor& hidden, const torch::Tensor& topk_indices,
                                    const torch::Tensor& gates, Dispatch dispatch) {
  return routes(dispatch) ? combine_routed(hidden, topk_indices, gates)
                : combine_dense(hidden, topk_indices, gates);
}

torch::Tensor MoeModelImpl::combine_dense(const torch::Tensor& hidden,
                                          const torch::Tensor& topk_indices,
                                          const torch::Tensor& gates) {
  // Gate matrix [B, E] with zeros for unchosen experts, then one batched contraction.
  auto gate_matrix = torch::zeros({hidden.size(0), num_experts()}, hidden.options())
                         .scatter_(1, topk_indices, gates);
  auto outputs = all_expert_outputs(hidden);  // [E, B, H]
  return torch::bmm(gate_matrix.unsqueeze(1), outputs.transpose(0, 1)).squeeze(1);
}

torch::Tensor MoeModelImpl::combine_routed(const torch::Tensor& hidden,
                                           const torch::Tensor& topk_indices,
                                           const torch::Tensor& gates) {
  auto mixed = torch::zeros_like(hidden);
  const auto flat_experts = topk_indices.reshape(-1);
  const auto flat_gates = gates.reshape(-1);
  const auto k = topk_indices.size(1);
  for (std::int64_t e = 0; e < num_experts(); ++e) {
    auto slots = (flat_experts == e).nonzero().squeeze(1);
    if (slots.numel() == 0) continue;
    auto rows = torch::div(slots, k, "floor");
    auto x = hidden.index_select(0, rows);
    auto inner = torch::relu(torch::addmm(b_in_[e], x, w_in_[e]));
    auto y = torch::addmm(b_out_[e], inner, w_out_[e]);
    mixed = mixed.index_add(0, rows, y * flat_gates.index_select(0, slots).unsqueeze(1));
  }
  return mixed;
}

torch::Tensor MoeModelImpl::select_experts(const torch::Tensor& router_probs) const {
  const auto scores = use_selection_bias_ ? router_probs.detach() + selection_bias_
                                          : router_probs.detach();
  return std::get<1>(scores.topk(effective_top_k(), 1));
}

bool MoeModelImpl::routes(Dispatch dispatch) const {
  return dispatch == Dispatch::Routed ||
         (dispatch == Dispatch::Auto && prefer_routed_dispatch(num_experts(), effective_top_k()));
}

std::vector<torch::Tensor> MoeModelImpl::expert_parameters() const {
  return {router_weight_, router_bias_, w_in_, b_in_, w_out_, b_out_};
}

bool prefer_routed_dispatch(std::int64_t experts, std::int64_t top_k) {
  // Measured crossover (bench/dispatch_bench, docs/performance.md).
  constexpr std::int64_t kRoutedFromExpertsPerSlot = 4;
  return experts >= kRoutedFromExpertsPerSlot * std::max<std::int64_t>(top_k, 1);
}

}  // namespace moelab
