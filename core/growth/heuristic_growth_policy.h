#pragma once
// The seed's growth heuristic: when validation accuracy stops improving, split the most-utilised
// expert, unless the cooldown since the last split has not elapsed or the cap is reached.

#include "growth/growth_policy.h"

namespace moelab {

class HeuristicGrowthPolicy : public GrowthPolicy {
 public:
  // A plateau: `patience` growth epochs in a row whose validation accuracy did not beat the best
  // so far by more than `min_delta`.
  HeuristicGrowthPolicy(int max_experts, double min_delta, int patience = 1);

  void start_growth(int epoch, double baseline) override;
  GrowthDecision decide(int epoch, double val_accuracy, const std::vector<float>& utilization,
                        int cooldown_epochs, std::uint64_t tie_break = 0) override;
  void record_split(int epoch, int parent, int child) override;
  // Pruning leaves the plateau count alone: the expert removed was one nobody used.
  void record_prune(int) override {}
  // The least gap between two splits is the larger of the cooldown and the patience.
  int split_budget(int growth_epochs, int cooldown_epochs, int initial_experts) const override;

  State state() const override;
  void restore(const State& state) override;

  double best_accuracy() const { return best_accuracy_; }

 private:
  int max_experts_;
  double min_delta_;
  int patience_;
  int stale_epochs_ = 0;  // growth epochs since the best improved or the last split
  double best_accuracy_ = 0.0;
  std::optional<int> last_change_epoch_;  // last split, or the start of growth
};

}  // namespace moelab
