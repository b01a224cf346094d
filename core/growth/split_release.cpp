#include "growth/split_release.h"

#include <algorithm>
#include <cmath>

#include "growth/expert_splitter.h"

namespace moelab {

void SplitRelease::add(std::int64_t parent, std::int64_t child) {
  releases_.push_back({parent, child, steps_});
}

void SplitRelease::advance(MoeModelImpl& model) {
  if (releases_.empty()) return;
  torch::NoGradGuard no_grad;
  auto bias = model.router_bias().accessor<float, 1>();
  const double log2 = std::log(2.0);
  for (auto& r : releases_) {
    bias[r.parent] -= static_cast<float>(log2 / steps_);
    bias[r.child] += static_cast<float>((kPreservingChildOffset - log2) / steps_);
    --r.steps_left;
  }
  releases_.erase(std::remove_if(releases_.begin(), releases_.end(),
                                 [](const Release& r) { return r.steps_left <= 0; }),
                  releases_.end());
}

bool SplitRelease::involves(std::int64_t expert) const {
  return std::any_of(releases_.begin(), releases_.end(), [expert](const Release& r) {
    return r.parent == expert || r.child == expert;
  });
}

void SplitRelease::expert_removed(std::int64_t expert) {
  releases_.erase(std::remove_if(releases_.begin(), releases_.end(),
                                 [expert](const Release& r) {
                                   return r.parent == expert || r.child == expert;
                                 }),
                  releases_.end());
  for (auto& r : releases_) {
    if (r.parent > expert) --r.parent;
    if (r.child > expert) --r.child;
  }
}

}  // namespace moelab
