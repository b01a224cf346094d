#pragma once
// The seed's third fix as a loss term: minus the normalised entropy of the batch's slot share
// (the share of top-k slots each expert took), so that minimising the loss evens the routing and
// dormant experts wake up. The share's value is the routing that happened; its gradient flows
// through the router's soft probabilities (straight through, see routed_share()). A floor of a
// tenth of the even share inside the logarithm keeps the push on an idle expert finite.
// Weight: fixes.entropy_weight while the load-balancing switch is on and training.balancer is
// "entropy" (the seed's choice and the default).

#include "training/loss_term.h"

namespace moelab {

class EntropyBalanceTerm : public LossTerm {
 public:
  const char* name() const override { return "entropy"; }
  const char* label() const override { return "entropy balance"; }
  double weight(const TrainingConfig& training, const FixSwitches& fixes) const override {
    return training.balancer == Balancer::Entropy ? fixes.effective_entropy_weight() : 0.0;
  }
  torch::Tensor reference(const ReferenceInputs& in) const override;
  double fused(const FusedStepView& view, double weight) const override;
};

}  // namespace moelab
