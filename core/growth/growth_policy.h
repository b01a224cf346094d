#pragma once
// The seed's growth heuristic: when validation accuracy stops improving, split the most-utilised
// expert, unless the cooldown since the last split has not elapsed or the cap is reached.

#include <optional>
#include <vector>

namespace moelab {

struct GrowthDecision {
  bool split = false;
  int parent = -1;
  const char* reason = "";  // why (not): "plateau", "improving", "cooldown", "cap"
};

class GrowthPolicy {
 public:
  GrowthPolicy(int max_experts, double min_delta);

  // The growth phase starts after `epoch` from a model of accuracy `baseline`. The cooldown counts
  // from here too: the seed model's end is the last change to the architecture, and a growth
  // phase that could split at once would leave its newest children no time to be woken.
  void start_growth(int epoch, double baseline);

  // Called after every growth epoch with that epoch's validation accuracy and utilisation.
  GrowthDecision decide(int epoch, double val_accuracy, const std::vector<float>& utilization,
                        int cooldown_epochs);
  void record_split(int epoch);

  double best_accuracy() const { return best_accuracy_; }

 private:
  int max_experts_;
  double min_delta_;
  double best_accuracy_ = 0.0;
  std::optional<int> last_change_epoch_;  // last split, or the start of growth
};

}  // namespace moelab
