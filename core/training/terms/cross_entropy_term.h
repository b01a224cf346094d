#pragma once
// The task: mean cross-entropy of the classifier's logits against the labels. Weight 1.

#include "training/loss_term.h"

namespace moelab {

class CrossEntropyTerm : public LossTerm {
 public:
  const char* name() const override { return "cross_entropy"; }
  const char* label() const override { return "cross-entropy"; }
  double weight(const TrainingConfig&, const FixSwitches&) const override { return 1.0; }
  torch::Tensor reference(const ReferenceInputs& in) const override;
  double fused(const FusedStepView& view, double weight) const override;
};

}  // namespace moelab
