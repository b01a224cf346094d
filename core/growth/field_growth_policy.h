#pragma once
// Growth by pattern: a Schnakenberg field (schnakenberg_field.h) with one cell per expert decides
// when and where the mixture grows. After each growth epoch the field advances with a source that
// couples it to training, s_i = coupling * (E * load_i - 1), where load_i is the expert's share
// of the routed slots (its utilisation over the sum of all experts'): its load over its fair
// share 1/E, relative (zero for an even routing, negative for a quiet expert). An expert splits
// when its activator u crosses `threshold` (one split per epoch, the highest u first; the
// cooldown still applies when it is on). The child becomes the cell next to its parent on the
// ring; a pruned expert's cell leaves the ring.
//
// Why the load: a split is meant to relieve an expert that carries more than its share, which is
// what the seed's heuristic approximates with "split the most-used expert"; in the field the load
// only raises the activator, and diffusion and the inhibitor decide whether neighbours' peaks
// merge or suppress each other, so two busy neighbours do not both split at once.

#include <string>
#include <vector>

#include "growth/field_growth_settings.h"
#include "growth/growth_policy.h"
#include "growth/schnakenberg_field.h"

namespace moelab {

class FieldGrowthPolicy : public GrowthPolicy {
 public:
  // Throws std::invalid_argument with field_growth_problem()'s sentence when the settings cannot
  // run (outside the Turing regime, an unstable step, a threshold not above the steady state).
  FieldGrowthPolicy(const FieldGrowthSettings& settings, int initial_experts, int max_experts);

  void start_growth(int epoch, double baseline) override;
  // Advances the field by one epoch's steps, then splits the expert of highest u if it is above
  // the threshold. `utilization` has one entry per expert (any scale: the field uses each
  // expert's share of the sum); the validation accuracy plays no part.
  GrowthDecision decide(int epoch, double val_accuracy, const std::vector<float>& utilization,
                        int cooldown_epochs, std::uint64_t tie_break = 0) override;
  void record_split(int epoch, int parent, int child) override;
  void record_prune(int expert) override;
  // The least gap between two splits is the cooldown (one epoch without it).
  int split_budget(int growth_epochs, int cooldown_epochs, int initial_experts) const override;

  State state() const override;
  void restore(const State& state) override;
  std::optional<GrowthField> field() const override;

  // u and v by expert index (not ring position).
  std::vector<double> activator_by_expert() const;
  std::vector<double> inhibitor_by_expert() const;
  const std::vector<int>& ring() const { return ring_; }
  double threshold() const { return settings_.threshold; }

 private:
  std::vector<double> by_expert(const std::vector<double>& by_cell) const;
  int cell_of(int expert) const;

  FieldGrowthSettings settings_;
  int max_experts_;
  SchnakenbergField field_;
  std::vector<int> ring_;  // expert index of each cell, in ring order
  std::optional<int> last_change_epoch_;
};

}  // namespace moelab
