#include "training/routing_losses.h"

#include <algorithm>
#include <cmath>

namespace moelab {

namespace {

constexpr double kLogFloor = 1e-9;

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

namespace {

// Cosine similarities of every pair of experts' flattened outputs [E, E].
torch::Tensor cosine_gram(const torch::Tensor& expert_outputs) {
  const auto experts = expert_outputs.size(0);
  auto flat = torch::nn::functional::normalize(
      expert_outputs.reshape({experts, -1}),
      torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-8));
  return torch::mm(flat, flat.t());
}

torch::Tensor mean_off_diagonal(const torch::Tensor& square) {
  const auto n = square.size(0);
  return (square.sum() - square.diagonal().sum()) / static_cast<double>(n * (n - 1));
}

}  // namespace

torch::Tensor expert_output_similarity(const torch::Tensor& expert_outputs) {
  if (expert_outputs.size(0) < 2) return torch::zeros({}, expert_outputs.options());
  return mean_off_diagonal(cosine_gram(expert_outputs));
}

torch::Tensor expert_output_squared_similarity(const torch::Tensor& expert_outputs) {
  if (expert_outputs.size(0) < 2) return torch::zeros({}, expert_outputs.options());
  return mean_off_diagonal(cosine_gram(expert_outputs).square());
}

double effective_experts(const std::vector<float>& slot_share) {
  double entropy = 0.0;
  for (const float s : slot_share) {
    if (s > 0.0f) entropy -= static_cast<double>(s) * std::log(static_cast<double>(s));
  }
  return std::exp(entropy);
}

double load_violation(const std::vector<float>& loads) {
  if (loads.empty()) return 0.0;
  double sum = 0.0, most = 0.0;
  for (const float l : loads) {
    sum += l;
    most = std::max(most, static_cast<double>(l));
  }
  const double mean = sum / static_cast<double>(loads.size());
  return mean > 0.0 ? most / mean - 1.0 : 0.0;
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
