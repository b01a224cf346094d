#pragma once
// The training step under autograd: the model's own forward (dense or routed dispatch), the sum of
// the loss terms' references, weighted, and backward. The specification the fused step is tested
// against, and the path of the routed dispatch.

#include <torch/torch.h>

#include "config/run_config.h"
#include "model/moe_model.h"
#include "training/fused_step.h"
#include "training/loss_term.h"

namespace moelab {

// The losses of one batch with their graph (`total`) and statistics; does not call backward.
StepLosses autograd_losses(MoeModelImpl& model, const LossTerms& terms, const torch::Tensor& probe,
                           const torch::Tensor& x, const torch::Tensor& y,
                           const StepSettings& settings, Dispatch dispatch);

}  // namespace moelab
