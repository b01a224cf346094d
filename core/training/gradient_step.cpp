#include "training/gradient_step.h"

#include "training/autograd_step.h"

namespace moelab {

GradientStep::GradientStep(torch::Tensor probe, const LossTerms& terms, Dispatch dispatch)
    : probe_(std::move(probe)),
      terms_(terms),
      dispatch_(dispatch),
      fused_(std::make_unique<FusedDenseStep>(probe_, terms)) {}

StepLosses GradientStep::run(MoeModelImpl& model, torch::optim::Adam& optimizer,
                             const torch::Tensor& x, const torch::Tensor& y,
                             const StepSettings& settings) {
  if (!model.routes(dispatch_)) return fused_->run(model, x, y, settings);
  optimizer.zero_grad();
  auto losses = autograd_losses(model, terms_, probe_, x, y, settings, dispatch_);
  losses.total.backward();
  return losses;
}

}  // namespace moelab
