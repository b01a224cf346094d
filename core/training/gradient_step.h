#pragma once
// Sets every parameter's gradient for one batch with the fused step (hand-derived gradients), its
// mixture dense or routed as the model's dispatch decides at the current expert count and k
// (MoeModelImpl::routes). One place decides which; the trainer only asks for gradients. The
// autograd step (autograd_step.h) is the specification the fused step is tested against.

#include <torch/torch.h>

#include <memory>

#include "config/run_config.h"
#include "model/moe_model.h"
#include "training/fused_step.h"
#include "training/loss_term.h"

namespace moelab {

class GradientStep {
 public:
  // probe: the run's fixed diversity probe (raw features). terms must outlive the step.
  GradientStep(torch::Tensor probe, const LossTerms& terms, Dispatch dispatch);

  StepLosses run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                 StepSettings settings);

  const torch::Tensor& probe() const { return probe_; }

 private:
  torch::Tensor probe_;
  Dispatch dispatch_;
  std::unique_ptr<FusedStep> fused_;
};

}  // namespace moelab
