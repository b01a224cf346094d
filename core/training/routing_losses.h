#pragma once
// The loss terms and routing statistics the seed report talks about.

#include <vector>

#include <torch/torch.h>

namespace moelab {

// Keeps the entropy term's push on an idle expert finite, as a fraction of the even share 1/E.
// Without it an expert at zero share gets a gradient about 20 times a busy one's, and on digits
// routing swung whole batches from one expert to another epoch after epoch (0 -> 100% -> 0).
constexpr double kIdleShareFloor = 0.1;

// The batch's mean routing distribution: the share of top-k slots each expert takes ([E], sums
// to 1, utilisation / k). Its value is the routing that actually happened; its gradient flows
// through the router's soft probabilities (straight-through), since the top-k choice has none.
// The soft mean alone is not enough: measured on digits, its entropy sat at 0.98-1.00 while two
// of five experts never made anyone's top 2.
torch::Tensor routed_share(const torch::Tensor& router_probs, const torch::Tensor& topk_indices);

// Normalised entropy (in [0, 1]) of a distribution over experts [E]; `floor` is added inside the
// logarithm.
torch::Tensor normalized_entropy(const torch::Tensor& distribution, double floor);

// Normalised entropy (in [0, 1]) of the batch's mean routing distribution: what the charts show.
torch::Tensor mean_usage_entropy(const torch::Tensor& router_probs,
                                 const torch::Tensor& topk_indices);

// What the entropy fix maximises (the loss adds minus this, weighted): the same entropy with a
// floor of a tenth of the even share inside the logarithm, so that the push on an idle expert
// stays finite.
torch::Tensor entropy_balance_objective(const torch::Tensor& router_probs,
                                        const torch::Tensor& topk_indices);

// The two above from a share already computed with routed_share (the training step computes it
// once and uses it for both; the values are the same as calling the functions above).
torch::Tensor usage_entropy_of_share(const torch::Tensor& share);
torch::Tensor entropy_balance_of_share(const torch::Tensor& share);

// Mean over samples of each sample's normalised routing entropy: how undecided the router is.
torch::Tensor mean_sample_entropy(const torch::Tensor& router_probs);

// Mean pairwise cosine similarity between the experts' outputs on the same inputs, from
// [E, B, H]. The diversity loss adds it, weighted, so that experts learn different functions.
// Zero with a single expert.
torch::Tensor expert_output_similarity(const torch::Tensor& expert_outputs);

// Mean over ordered pairs of experts of the squared cosine similarity of their outputs, from
// [E, B, H]: zero only when the experts' outputs are orthogonal. Zero with a single expert.
torch::Tensor expert_output_squared_similarity(const torch::Tensor& expert_outputs);

// exp of the entropy (natural log) of a share distribution [E] summing to 1: the number of
// experts an even routing over that many would match. Comparable across expert counts.
double effective_experts(const std::vector<float>& slot_share);

// max / mean - 1 of per-expert loads: 0 when even, E - 1 when one expert takes everything.
double load_violation(const std::vector<float>& loads);

// Share of samples that route to each expert in their top-k: [E], sums to k.
torch::Tensor topk_utilization(const torch::Tensor& topk_indices, std::int64_t experts);

// Inputs as a model that skipped its projection would feed them to the experts: the raw features
// cut or zero-padded to the hidden width. With D == H (the default data) this is the identity,
// which is why the seed's bug was silent.
torch::Tensor bypass_projection(const torch::Tensor& x, std::int64_t hidden_dim);

}  // namespace moelab
