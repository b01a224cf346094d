#pragma once
// Which expert --prune-dormant removes and --revive-dormant re-initialises after a growth epoch,
// and which expert a revived one is copied from.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace moelab {

// The dormant expert (utilisation below `threshold`) with the lowest utilisation, the lower index
// among equals, leaving out experts `excluded` names (a preserving split's child still being
// released looks dormant). None when no expert qualifies.
std::optional<std::int64_t> least_used_dormant(const std::vector<float>& utilization,
                                               double threshold,
                                               const std::function<bool(std::int64_t)>& excluded);

// The expert with the highest utilisation, the lower index among equals.
std::int64_t busiest_expert(const std::vector<float>& utilization);

}  // namespace moelab
