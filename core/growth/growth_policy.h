#pragma once
// The seed's growth heuristic: when validation accuracy stops improving, split the most-utilised
// expert, unless the cooldown since the last split has not elapsed or the cap is reached.

#include <cstdint>
#include <optional>
#include <vector>

namespace moelab {

struct GrowthDecision {
  bool split = false;
  int parent = -1;
  const char* reason = "";  // why (not): "plateau", "improving", "patience", "cooldown", "cap"
};

class GrowthPolicy {
 public:
  // What the policy remembers between epochs; a checkpoint carries it.
  struct State {
    int stale_epochs = 0;
    double best_accuracy = 0.0;
    std::optional<int> last_change_epoch;
  };

  // A plateau: `patience` growth epochs in a row whose validation accuracy did not beat the best
  // so far by more than `min_delta`.
  GrowthPolicy(int max_experts, double min_delta, int patience = 1);

  // The growth phase starts after `epoch` from a model of accuracy `baseline`. The cooldown counts
  // from here too: the seed model's end is the last change to the architecture, and a growth
  // phase that could split at once would leave its newest children no time to be woken.
  void start_growth(int epoch, double baseline);

  // Called after every growth epoch with that epoch's validation accuracy and utilisation.
  // Experts tied for the highest utilisation are told apart by `tie_break` (any number the run
  // draws from its own generator), so the first expert is not always the one split.
  GrowthDecision decide(int epoch, double val_accuracy, const std::vector<float>& utilization,
                        int cooldown_epochs, std::uint64_t tie_break = 0);
  void record_split(int epoch);

  double best_accuracy() const { return best_accuracy_; }
  State state() const { return {stale_epochs_, best_accuracy_, last_change_epoch_}; }
  void restore(const State& state);

  // The most splits a growth phase of `growth_epochs` can make from `initial_experts` with this
  // cooldown and patience: one per max(cooldown, patience, 1) epochs, none after the last epoch,
  // none beyond the cap.
  static int split_budget(int growth_epochs, int cooldown_epochs, int patience,
                          int initial_experts, int max_experts);

 private:
  int max_experts_;
  double min_delta_;
  int patience_;
  int stale_epochs_ = 0;  // growth epochs since the best improved or the last split
  double best_accuracy_ = 0.0;
  std::optional<int> last_change_epoch_;  // last split, or the start of growth
};

}  // namespace moelab
