#pragma once
// How the mixture grows. After each growth epoch the trainer asks its policy whether an expert
// splits and which, tells it about the split it made and about an expert --prune-dormant removed,
// and keeps the policy's memory in its checkpoints. Two policies: the seed's heuristic
// (heuristic_growth_policy.h) and growth by pattern (field_growth_policy.h); make_growth_policy
// picks the one a run's settings name, so the trainer never needs to know which it has.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace moelab {

struct RunConfig;

struct GrowthDecision {
  bool split = false;
  int parent = -1;
  // Why (not): "plateau", "improving", "patience", "field", "below threshold", "cooldown", "cap".
  const char* reason = "";
};

// A field's state as field.csv and the window show it: the activator u and inhibitor v by expert
// index, and the threshold whose crossing by u splits an expert.
struct GrowthField {
  std::vector<double> activator;
  std::vector<double> inhibitor;
  double threshold = 0;
};

class GrowthPolicy {
 public:
  // What a policy remembers between epochs; a checkpoint carries it. One value for every policy,
  // each using its part.
  struct State {
    std::optional<int> last_change_epoch;  // the last split, or the start of growth
    // The heuristic's.
    int stale_epochs = 0;
    double best_accuracy = 0.0;
    // The field's, by position on its ring: u, v and the expert each cell belongs to.
    std::vector<double> field_u;
    std::vector<double> field_v;
    std::vector<int> ring;
  };

  virtual ~GrowthPolicy() = default;

  // The growth phase starts after `epoch` from a model of validation accuracy `baseline`. The
  // cooldown counts from here too: the seed model's end is the last change to the architecture,
  // and a growth phase that could split at once would leave its newest children no time to be
  // woken.
  virtual void start_growth(int epoch, double baseline) = 0;
  // Called after every growth epoch but the last with that epoch's validation accuracy and
  // utilisation (by expert index). Experts tied for a choice are told apart by `tie_break` (any
  // number the run draws from its own generator), so the first expert is not always the one split.
  virtual GrowthDecision decide(int epoch, double val_accuracy,
                                const std::vector<float>& utilization, int cooldown_epochs,
                                std::uint64_t tie_break = 0) = 0;
  // The model appended expert `child` (its index) as a copy of `parent` after `epoch`.
  virtual void record_split(int epoch, int parent, int child) = 0;
  // --prune-dormant removed expert `expert`; the experts after it moved down one index.
  virtual void record_prune(int expert) = 0;

  // The most splits a growth phase of `growth_epochs` can make from `initial_experts` with this
  // cooldown: one per least gap between two splits, none after the last epoch, none beyond the
  // cap.
  virtual int split_budget(int growth_epochs, int cooldown_epochs, int initial_experts) const = 0;

  virtual State state() const = 0;
  virtual void restore(const State& state) = 0;

  // The field a policy decides by; none for a policy without one.
  virtual std::optional<GrowthField> field() const { return std::nullopt; }
};

// The policy `config.training.growth` names. Throws std::invalid_argument with the reason when its
// settings cannot run.
std::unique_ptr<GrowthPolicy> make_growth_policy(const RunConfig& config);

// One split per `least_gap` growth epochs (at least 1), none after the last epoch, none beyond
// `max_experts`.
int split_budget_for(int growth_epochs, int least_gap, int initial_experts, int max_experts);

}  // namespace moelab
