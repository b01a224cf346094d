#include "training/gradient_step.h"

namespace moelab {

GradientStep::GradientStep(torch::Tensor probe, const LossTerms& terms, Dispatch dispatch)
    : probe_(std::move(probe)),
      dispatch_(dispatch),
      fused_(std::make_unique<FusedStep>(probe_, terms)) {}

StepLosses GradientStep::run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                             StepSettings settings) {
  settings.routed = model.routes(dispatch_);
  return fused_->run(model, x, y, settings);
}

}  // namespace moelab
