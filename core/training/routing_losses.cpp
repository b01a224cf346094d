#include "training/routing_losses.h"

#include <cmath>

namespace moelab {

namespace {

constexpr double kLogFloor = 1e-9;
// Keeps the entropy term's push on an idle expert finite, as a fraction of the even share 1/E.
// Without it an expert at zero share gets a gradient about 20 times a busy one's, and on digits
// routing swung whole batches from one expert to another epoch after epoch (0 -> 100% -> 0).
constexpr double kIdleShareFloor = 0.1;

double log_of_count(std::int64_t experts) { return std::log(static_cast<double>(experts)); }

}  // namespace

torch::Tensor routed_share(const torch::Tensor& router_probs, const torch::Tensor& topk_indices) {
  const auto k = static_cast<double>(topk_indices.size(1));
  const auto membership =
      torch::zeros_like(router_probs).scatter(1, topk_indices, 1.0 / k).mean(0);
  const auto soft = router_probs.mean(0);
  return soft + (membership - soft).detach();
}

torch::Tensor normalized_entropy(const torch::Tensor& distribution, double floor) {
  const auto experts = distribution.size(0);
  if (experts < 2) return torch::zeros({}, distribution.options());
  return -(distribution * (distribution + floor).log()).sum() / log_of_count(experts);
}

torch::Tensor usage_entropy_of_share(const torch::Tensor& share) {
  return normalized_entropy(share, kLogFloor);
}

torch::Tensor entropy_balance_of_share(const torch::Tensor& share) {
  const auto experts = static_cast<double>(share.size(0));
  return normalized_entropy(share, kIdleShareFloor / experts);
}

torch::Tensor mean_usage_entropy(const torch::Tensor& router_probs,
                                 const torch::Tensor& topk_indices) {
  return usage_entropy_of_share(routed_share(router_probs, topk_indices));
}

torch::Tensor entropy_balance_objective(const torch::Tensor& router_probs,
                                        const torch::Tensor& topk_indices) {
  return entropy_balance_of_share(routed_share(router_probs, topk_indices));
}

torch::Tensor mean_sample_entropy(const torch::Tensor& router_probs) {
  const auto experts = router_probs.size(1);
  if (experts < 2) return torch::zeros({}, router_probs.options());
  auto per_sample = -(router_probs * (router_probs + kLogFloor).log()).sum(1);
  return per_sample.mean() / log_of_count(experts);
}

torch::Tensor expert_output_similarity(const torch::Tensor& expert_outputs) {
  const auto experts = expert_outputs.size(0);
  if (experts < 2) return torch::zeros({}, expert_outputs.options());
  auto flat = torch::nn::functional::normalize(
      expert_outputs.reshape({experts, -1}),
      torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-8));
  auto gram = torch::mm(flat, flat.t());
  const auto off_diagonal = gram.sum() - gram.diagonal().sum();
  return off_diagonal / static_cast<double>(experts * (experts - 1));
}

torch::Tensor topk_utilization(const torch::Tensor& topk_indices, std::int64_t experts) {
  auto counts = torch::bincount(topk_indices.reshape(-1), {}, experts).to(torch::kFloat);
  return counts / static_cast<double>(std::max<std::int64_t>(topk_indices.size(0), 1));
}

torch::Tensor bypass_projection(const torch::Tensor& x, std::int64_t hidden_dim) {
  const auto dim = x.size(1);
  if (dim == hidden_dim) return x;
  if (dim > hidden_dim) return x.narrow(1, 0, hidden_dim);
  return torch::constant_pad_nd(x, {0, hidden_dim - dim});
}

}  // namespace moelab
