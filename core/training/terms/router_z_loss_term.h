#pragma once
// The router z-loss (Zoph et al., ST-MoE, 2022) as a loss term: the batch's mean squared
// log-sum-exp of the router logits. It keeps the logits small, which keeps the softmax away from
// saturation (and float overflow) without preferring any routing; usable with any balancer.
// Weight: training.z_loss_weight (0 = off).

#include "training/loss_term.h"

namespace moelab {

class RouterZLossTerm : public LossTerm {
 public:
  const char* name() const override { return "z_loss"; }
  const char* label() const override { return "router z-loss"; }
  double weight(const TrainingConfig& training, const FixSwitches&) const override {
    return training.z_loss_weight;
  }
  torch::Tensor reference(const ReferenceInputs& in) const override;
  double fused(const FusedStepView& view, double weight) const override;
};

}  // namespace moelab
