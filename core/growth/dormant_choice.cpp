#include "growth/dormant_choice.h"

namespace moelab {

std::optional<std::int64_t> least_used_dormant(const std::vector<float>& utilization,
                                               double threshold,
                                               const std::function<bool(std::int64_t)>& excluded) {
  std::optional<std::int64_t> chosen;
  for (std::int64_t e = 0; e < static_cast<std::int64_t>(utilization.size()); ++e) {
    if (utilization[e] >= threshold || (excluded && excluded(e))) continue;
    if (!chosen || utilization[e] < utilization[*chosen]) chosen = e;
  }
  return chosen;
}

std::int64_t busiest_expert(const std::vector<float>& utilization) {
  std::int64_t busiest = 0;
  for (std::int64_t e = 1; e < static_cast<std::int64_t>(utilization.size()); ++e) {
    if (utilization[e] > utilization[busiest]) busiest = e;
  }
  return busiest;
}

}  // namespace moelab
