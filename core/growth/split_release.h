#pragma once
// Releases the children of preserving splits: over a fixed number of training steps, moves each
// child's router bias up from kPreservingChildOffset below its parent's, and the parent's down by
// log 2, in equal steps, so that at the end the router holds what the seed's split would have
// given it (plus what training did meanwhile). The model changes gradually, never at once.

#include <cstdint>
#include <vector>

#include "model/moe_model.h"

namespace moelab {

class SplitRelease {
 public:
  explicit SplitRelease(int steps) : steps_(steps < 1 ? 1 : steps) {}

  // A child still being released; a checkpoint carries the list.
  struct Release {
    std::int64_t parent, child;
    int steps_left;
  };

  void add(std::int64_t parent, std::int64_t child);
  // Called once before every training step.
  void advance(MoeModelImpl& model);
  bool pending() const { return !releases_.empty(); }
  const std::vector<Release>& releases() const { return releases_; }
  void restore(std::vector<Release> releases) { releases_ = std::move(releases); }
  // Whether `expert` is a parent or child still being released (a child looks dormant then).
  bool involves(std::int64_t expert) const;
  // Pruning removed `expert`: its releases end, the experts after it move down one index.
  void expert_removed(std::int64_t expert);

 private:
  int steps_;
  std::vector<Release> releases_;
};

}  // namespace moelab
