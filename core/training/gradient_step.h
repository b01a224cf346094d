#pragma once
// Sets every parameter's gradient for one batch: the fused dense step (hand-derived gradients)
// when the model runs the dense dispatch, autograd through the model's routed forward otherwise.
// One place decides which; the trainer only asks for gradients.

#include <memory>

#include <torch/torch.h>

#include "config/run_config.h"
#include "model/moe_model.h"
#include "training/fused_dense_step.h"
#include "training/loss_term.h"

namespace moelab {

class GradientStep {
 public:
  // probe: the run's fixed diversity probe (raw features). terms must outlive the step.
  GradientStep(torch::Tensor probe, const LossTerms& terms, Dispatch dispatch);

  StepLosses run(MoeModelImpl& model, torch::optim::Adam& optimizer, const torch::Tensor& x,
                 const torch::Tensor& y, const StepSettings& settings);

  const torch::Tensor& probe() const { return probe_; }

 private:
  torch::Tensor probe_;
  const LossTerms& terms_;
  Dispatch dispatch_;
  std::unique_ptr<FusedDenseStep> fused_;
};

}  // namespace moelab
