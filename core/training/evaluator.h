#pragma once
// What the model predicts and how it routes on data it does not train on: the validation metrics
// of every epoch, predictions (the split's before/after comparison), and the held-out test set's
// per-sample correctness that the phase report pairs.

#include <vector>

#include <torch/torch.h>

#include "config/run_config.h"
#include "data/dataset.h"
#include "model/moe_model.h"
#include "training/run_metrics.h"

namespace moelab {

class Evaluator {
 public:
  // `data` must outlive the evaluator.
  Evaluator(const DatasetSplit& data, Dispatch dispatch, double dormant_threshold);

  // Fills the validation fields of `metrics` (accuracy, routing, utilisation, dormant set, routing
  // matrix, expert similarity); returns the predicted classes.
  torch::Tensor evaluate(MoeModelImpl& model, EpochMetrics& metrics) const;
  torch::Tensor predict(MoeModelImpl& model, const Dataset& data) const;
  // Per test sample, in order: whether the model predicts its class.
  std::vector<bool> correct_on_test(MoeModelImpl& model) const;
  // The test set's largest class share: the accuracy a model that learned nothing can reach.
  double chance_accuracy() const;

 private:
  const DatasetSplit& data_;
  Dispatch dispatch_;
  double dormant_threshold_;
};

}  // namespace moelab
