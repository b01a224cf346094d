#pragma once
// The Switch Transformer's auxiliary load-balancing loss (Fedus et al., 2021) as a loss term:
// E * sum_i f_i * P_i, where f_i is the share of the batch's top-k slots expert i took (a count:
// no gradient) and P_i the batch's mean router probability for expert i. Its minimum, 1, is an
// even routing; it pushes the probability of busy experts down in proportion to how busy they
// are. Weight: training.switch_weight while the load-balancing switch is on and
// training.balancer is "switch".

#include "training/loss_term.h"

namespace moelab {

class SwitchBalanceTerm : public LossTerm {
 public:
  const char* name() const override { return "switch"; }
  const char* label() const override { return "switch balance"; }
  double weight(const TrainingConfig& training, const FixSwitches& fixes) const override {
    return training.balancer == Balancer::Switch && fixes.entropy_loss ? training.switch_weight
                                                                       : 0.0;
  }
  torch::Tensor reference(const ReferenceInputs& in) const override;
  double fused(const FusedStepView& view, double weight) const override;
};

}  // namespace moelab
