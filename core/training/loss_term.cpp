#include "training/loss_term.h"

#include "training/routing_losses.h"
#include "training/terms/cross_entropy_term.h"
#include "training/terms/diversity_term.h"
#include "training/terms/entropy_balance_term.h"
#include "training/terms/router_z_loss_term.h"
#include "training/terms/switch_balance_term.h"

namespace moelab {

LossTerms make_loss_terms(const TrainingConfig& training) {
  LossTerms terms;
  terms.push_back(std::make_unique<CrossEntropyTerm>());
  terms.push_back(std::make_unique<EntropyBalanceTerm>());
  terms.push_back(std::make_unique<DiversityTerm>(training.diversity_loss));
  terms.push_back(std::make_unique<SwitchBalanceTerm>());
  terms.push_back(std::make_unique<RouterZLossTerm>());
  return terms;
}

ReferenceInputs reference_inputs(MoeModelImpl& model, const MoeOutput& out,
                                 const torch::Tensor& labels, const torch::Tensor& probe,
                                 bool projection_fix,
                                 const std::vector<std::int64_t>& probe_experts) {
  ReferenceInputs in{out.logits,
                     labels,
                     out.router_logits,
                     out.router_probs,
                     routed_share(out.router_probs, out.topk_indices),
                     {}};
  in.probe_outputs = [&model, probe, projection_fix, probe_experts] {
    const auto hidden =
        projection_fix ? model.project(probe) : bypass_projection(probe, model.hidden_dim());
    const auto outputs = model.all_expert_outputs(hidden);
    if (probe_experts.empty()) return outputs;
    return outputs.index_select(0, torch::tensor(probe_experts, torch::kLong));
  };
  return in;
}

bool probe_is_on(const LossTerms& terms, const std::vector<double>& weights, std::int64_t experts) {
  if (experts < 2) return false;
  for (std::size_t t = 0; t < terms.size() && t < weights.size(); ++t) {
    if (terms[t]->needs_probe() && weights[t] != 0.0) return true;
  }
  return false;
}

std::vector<torch::Tensor> weighted_references(const LossTerms& terms, const ReferenceInputs& in,
                                               const std::vector<double>& weights,
                                               std::int64_t experts) {
  TORCH_CHECK(weights.size() == terms.size(), "the step has ", weights.size(), " loss weights for ",
              terms.size(), " loss terms");
  std::vector<torch::Tensor> weighted;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const bool off = weights[t] == 0.0 || (terms[t]->needs_probe() && experts < 2);
    weighted.push_back(off ? torch::zeros({}) : terms[t]->reference(in) * weights[t]);
  }
  return weighted;
}

const std::vector<LossTermInfo>& loss_term_catalog() {
  static const std::vector<LossTermInfo> catalog = [] {
    std::vector<LossTermInfo> infos;
    for (const auto& term : make_loss_terms(TrainingConfig{})) {
      infos.push_back({term->name(), term->label()});
    }
    return infos;
  }();
  return catalog;
}

}  // namespace moelab
