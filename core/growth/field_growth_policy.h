#pragma once
// Growth by pattern: a Schnakenberg field (schnakenberg_field.h) with one cell per expert decides
// when and where the mixture grows. After each growth epoch the field advances with a source that
// couples it to training, s_i = coupling * (E * load_i - 1): the expert's routed share over its
// fair share 1/E, relative (zero for an even routing, negative for a quiet expert). An expert
// splits when its activator u crosses `threshold` (one split per epoch, the busiest crossing
// first; the cooldown still applies when it is on). The child becomes the cell next to its
// parent on the ring.
//
// Why the load: a split is meant to relieve an expert that carries more than its share, which is
// what the seed's heuristic approximates with "split the most-used expert"; in the field the load
// only raises the activator, and diffusion and the inhibitor decide whether neighbours' peaks
// merge or suppress each other, so two busy neighbours do not both split at once.

#include <string>
#include <vector>

#include "growth/growth_policy.h"
#include "growth/schnakenberg_field.h"

namespace moelab {

struct FieldGrowthSettings {
  SchnakenbergParameters field;
  int steps_per_epoch = 200;  // Euler steps of the field per training epoch (time 1 at dt 0.005)
  double coupling = 3.0;
  double threshold = 1.5;     // u* = a + b = 1 at the defaults
};

class FieldGrowthPolicy {
 public:
  // Throws std::invalid_argument (the field's reason) outside the Turing regime or at an unstable
  // step, or for a threshold not above the steady state.
  FieldGrowthPolicy(const FieldGrowthSettings& settings, int initial_experts, int max_experts);

  void start_growth(int epoch);
  // `utilization`: each expert's share of the routed slots this epoch, indexed by expert.
  GrowthDecision decide(int epoch, const std::vector<float>& utilization, int cooldown_epochs);
  // The model appended expert `child` (its index) as a copy of `parent`.
  void record_split(int epoch, int parent, int child);

  // u and v by expert index (not ring position), for field.csv and the window's heatmap.
  std::vector<double> activator_by_expert() const;
  std::vector<double> inhibitor_by_expert() const;
  const std::vector<int>& ring() const { return ring_; }
  double threshold() const { return settings_.threshold; }

 private:
  std::vector<double> by_expert(const std::vector<double>& by_cell) const;

  FieldGrowthSettings settings_;
  int max_experts_;
  SchnakenbergField field_;
  std::vector<int> ring_;  // expert index of each cell, in ring order
  int last_change_epoch_ = -1;
};

}  // namespace moelab
