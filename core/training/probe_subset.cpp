#include "training/probe_subset.h"

#include <algorithm>
#include <numeric>

namespace moelab {

std::vector<std::int64_t> draw_probe_experts(const LossTerms& terms,
                                             const std::vector<double>& weights,
                                             std::int64_t experts, std::int64_t size,
                                             at::Generator& generator) {
  if (!probe_is_on(terms, weights, experts) || size >= experts) return {};
  TORCH_CHECK(size >= 2, "the diversity probe needs at least two experts, not ", size);
  const auto order = torch::randperm(experts, generator, torch::kLong).narrow(0, 0, size);
  std::vector<std::int64_t> chosen(order.data_ptr<std::int64_t>(),
                                   order.data_ptr<std::int64_t>() + size);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::vector<std::int64_t> probe_experts_or_all(const std::vector<std::int64_t>& chosen,
                                               std::int64_t experts) {
  if (chosen.empty()) {
    std::vector<std::int64_t> all(static_cast<std::size_t>(experts));
    std::iota(all.begin(), all.end(), std::int64_t{0});
    return all;
  }
  TORCH_CHECK(chosen.size() >= 2, "the diversity probe needs at least two experts");
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    TORCH_CHECK(chosen[i] >= 0 && chosen[i] < experts, "probe expert ", chosen[i],
                " is not one of the ", experts, " experts");
    TORCH_CHECK(i == 0 || chosen[i] > chosen[i - 1], "the probe's experts must be ascending");
  }
  return chosen;
}

}  // namespace moelab
