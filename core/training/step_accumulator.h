#pragma once
// Running sums of the training steps' scalars and shares: over a step report's window and over an
// epoch. Plain values, so that a checkpoint taken in the middle of an epoch carries them exactly.

#include <cstdint>
#include <vector>

#include "training/fused_step.h"

namespace moelab {

struct StepAccumulator {
  double total = 0.0, usage_entropy = 0.0, sample_entropy = 0.0, router_task_grad_norm = 0.0;
  std::vector<double> terms;
  std::vector<double> slot_share;        // per expert; restarts when a split changes the count
  std::vector<double> router_task_grad;  // per expert, likewise
  std::int64_t correct = 0;
  std::int64_t steps = 0;
  std::int64_t samples = 0;

  void reset() { *this = StepAccumulator(); }
  void add(const StepLosses& step, std::int64_t batch);
  double count() const;

  // Step and epoch reports share the loss and accuracy fields: fill them from the means.
  template <typename Metrics>
  void fill_means(Metrics& m) const {
    m.loss_total = total / count();
    m.loss_terms.clear();
    for (const double v : terms) m.loss_terms.push_back(v / count());
    m.train_accuracy =
        static_cast<double>(correct) / static_cast<double>(samples > 0 ? samples : 1);
  }
};

// The per-expert sums divided by `count`, as the float shares the metrics carry.
std::vector<float> means_of(const std::vector<double>& sums, double count);

}  // namespace moelab
