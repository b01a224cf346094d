#include "training/autograd_step.h"

#include "training/routing_losses.h"

namespace moelab {

StepLosses autograd_losses(MoeModelImpl& model, const LossTerms& terms, const torch::Tensor& probe,
                           const torch::Tensor& x, const torch::Tensor& y,
                           const StepSettings& settings, Dispatch dispatch) {
  const auto out = model.forward(x, dispatch);
  const auto in =
      reference_inputs(model, out, y, probe, settings.projection_fix, settings.probe_experts);
  const auto weighted = weighted_references(terms, in, settings.weights, model.num_experts());
  StepLosses losses;
  losses.total = torch::zeros({});
  for (const auto& term : weighted) losses.total = losses.total + term;
  // The task (the first term) alone on the router weights: which experts it still reaches.
  torch::Tensor task_grad;
  if (weighted.front().requires_grad()) {
    task_grad = torch::autograd::grad({weighted.front()}, {model.router_weight()}, {},
                                      /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
  }

  // The statistics, read back at once.
  torch::NoGradGuard no_grad;
  const auto share = in.slot_share.detach();
  const auto row_norms =
      task_grad.defined() ? task_grad.norm(2, {1}) : torch::zeros({model.num_experts()});
  auto& s = losses.scalars;
  for (const auto& w : weighted) s.terms.push_back(w.item<double>());
  s.total = losses.total.item<double>();
  s.usage_entropy = usage_entropy_of_share(share).item<double>();
  s.sample_entropy = mean_sample_entropy(out.router_probs.detach()).item<double>();
  s.correct = (out.logits.detach().argmax(1) == y).sum().item<std::int64_t>();
  s.router_task_grad_norm = row_norms.norm().item<double>();
  const auto share_values = share.to(torch::kDouble).contiguous();
  losses.slot_share.assign(share_values.data_ptr<double>(),
                           share_values.data_ptr<double>() + share_values.numel());
  const auto norm_values = row_norms.to(torch::kDouble).contiguous();
  losses.router_task_grad.assign(norm_values.data_ptr<double>(),
                                 norm_values.data_ptr<double>() + norm_values.numel());
  return losses;
}

}  // namespace moelab
