#include "training/evaluator.h"

#include "training/routing_losses.h"
#include "training/run_resources.h"

namespace moelab {

namespace {

std::vector<float> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// Leaves the model in training mode whatever happens in between.
class EvalMode {
 public:
  explicit EvalMode(MoeModelImpl& model) : model_(model) { model_.eval(); }
  ~EvalMode() { model_.train(); }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  MoeModelImpl& model_;
};

}  // namespace

Evaluator::Evaluator(const DatasetSplit& data, Dispatch dispatch, double dormant_threshold)
    : data_(data), dispatch_(dispatch), dormant_threshold_(dormant_threshold) {}

torch::Tensor Evaluator::predict(MoeModelImpl& model, const Dataset& data) const {
  c10::InferenceMode inference;
  EvalMode eval(model);
  std::vector<torch::Tensor> predictions;
  for (std::int64_t begin = 0; begin < data.size(); begin += kEvaluationChunk) {
    const auto x = data.features.narrow(0, begin, std::min(kEvaluationChunk, data.size() - begin));
    predictions.push_back(model.forward(x, dispatch_).logits.argmax(1));
  }
  return predictions.empty() ? torch::zeros({0}, torch::kLong) : torch::cat(predictions);
}

std::vector<bool> Evaluator::correct_on_test(MoeModelImpl& model) const {
  const auto correct = (predict(model, data_.test) == data_.test.labels).contiguous();
  const bool* flags = correct.data_ptr<bool>();
  return std::vector<bool>(flags, flags + correct.numel());
}

double Evaluator::chance_accuracy() const {
  const auto& test = data_.test;
  if (test.size() == 0) return 0.0;
  const auto counts = torch::bincount(test.labels, {}, test.num_classes);
  return static_cast<double>(counts.max().item<std::int64_t>()) / static_cast<double>(test.size());
}

torch::Tensor Evaluator::evaluate(MoeModelImpl& model, EpochMetrics& m) const {
  c10::InferenceMode inference;
  EvalMode eval(model);
  const auto& val = data_.validation;
  const auto experts = model.num_experts();
  const auto k = model.effective_top_k();
  std::vector<torch::Tensor> probs, topk, predictions;
  for (std::int64_t begin = 0; begin < val.size(); begin += kEvaluationChunk) {
    const auto x = val.features.narrow(0, begin, std::min(kEvaluationChunk, val.size() - begin));
    const auto out = model.forward(x, dispatch_);
    probs.push_back(out.router_probs);
    topk.push_back(out.topk_indices);
    predictions.push_back(out.logits.argmax(1));
  }
  const auto router_probs = torch::cat(probs);
  const auto topk_indices = torch::cat(topk);
  const auto predicted = torch::cat(predictions);
  m.val_accuracy = (predicted == val.labels).to(torch::kDouble).mean().item<double>();
  m.usage_entropy = mean_usage_entropy(router_probs, topk_indices).item<double>();
  m.sample_entropy = mean_sample_entropy(router_probs).item<double>();
  m.experts = static_cast<int>(experts);
  m.utilization = to_vector(topk_utilization(topk_indices, experts));
  std::vector<float> slot_share;
  for (const float u : m.utilization) slot_share.push_back(u / static_cast<float>(k));
  m.effective_experts = effective_experts(slot_share);
  m.load_violation = load_violation(m.utilization);
  m.dormant.clear();
  for (std::int64_t e = 0; e < experts; ++e) {
    if (m.utilization[e] < dormant_threshold_) m.dormant.push_back(static_cast<int>(e));
  }
  // Routing matrix: for each class, the share of its top-k slots each expert takes.
  const auto membership = torch::zeros({val.size(), experts}).scatter(1, topk_indices, 1.0);
  const auto class_onehot =
      torch::one_hot(val.labels, val.num_classes).to(torch::kFloat).t();  // [C, N]
  const auto per_class = class_onehot.sum(1, true).clamp_min(1.0) * static_cast<double>(k);
  const auto matrix = torch::mm(class_onehot, membership) / per_class;
  m.routing_matrix.clear();
  for (std::int64_t c = 0; c < val.num_classes; ++c) m.routing_matrix.push_back(to_vector(matrix[c]));
  const auto sample = val.features.narrow(0, 0, std::min(kSimilarityRows, val.size()));
  m.expert_similarity =
      expert_output_similarity(model.all_expert_outputs(model.project(sample))).item<double>();
  return predicted;
}

}  // namespace moelab
