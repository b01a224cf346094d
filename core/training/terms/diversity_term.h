#pragma once
// The diversity loss on the probe: how alike the experts' outputs are on the same probe inputs,
// as the mean over ordered pairs of experts of a function of their cosine similarity.
//   signed-cosine (the seed's): mean cos. Minimising it rewards anti-parallel experts: two
//     experts end near one function and its negative, not two different functions.
//   squared-cosine: mean cos^2. Minimised by orthogonal outputs; a negative copy costs as much
//     as a positive one.
// Weight: training.diversity_weight. The probe goes through the input projection only with the
// projection fix (the step decides what the experts see).

#include "training/loss_term.h"

namespace moelab {

class DiversityTerm : public LossTerm {
 public:
  explicit DiversityTerm(DiversityLoss kind) : kind_(kind) {}
  const char* name() const override { return "diversity"; }
  const char* label() const override { return "diversity"; }
  double weight(const TrainingConfig& training, const FixSwitches&) const override {
    return training.diversity_weight;
  }
  bool needs_probe() const override { return true; }
  torch::Tensor reference(const ReferenceInputs& in) const override;
  double fused(const FusedStepView& view, double weight) const override;

 private:
  DiversityLoss kind_;
};

}  // namespace moelab
