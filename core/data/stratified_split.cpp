#include "data/stratified_split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace moelab {
namespace {

// Keeps the subset's shuffle independent of the split's when both use the run's seed.
constexpr std::uint64_t kSubsetSalt = 0x9e3779b97f4a7c15ULL;

// std::uniform_int_distribution and std::shuffle are implementation-defined; this Fisher-Yates
// with rejection sampling gives the same permutation for a seed with any standard library.
std::uint64_t uniform_below(std::mt19937_64& engine, std::uint64_t bound) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t draw = engine();
  while (draw >= limit) draw = engine();
  return draw % bound;
}

void shuffle(std::vector<std::int64_t>& values, std::mt19937_64& engine) {
  for (std::size_t i = values.size(); i > 1; --i) {
    std::swap(values[i - 1], values[uniform_below(engine, i)]);
  }
}

std::vector<std::vector<std::int64_t>> indices_by_class(const torch::Tensor& labels,
                                                        int num_classes) {
  if (!labels.defined() || labels.dim() != 1) {
    throw std::invalid_argument("labels must be a one-dimensional tensor");
  }
  if (num_classes < 1) throw std::invalid_argument("num_classes must be positive");
  const torch::Tensor flat = labels.to(torch::kInt64).contiguous();
  const std::int64_t* data = flat.data_ptr<std::int64_t>();
  std::vector<std::vector<std::int64_t>> by_class(static_cast<std::size_t>(num_classes));
  for (std::int64_t i = 0; i < flat.size(0); ++i) {
    if (data[i] < 0 || data[i] >= num_classes) {
      throw std::invalid_argument("label " + std::to_string(data[i]) + " at row " +
                                  std::to_string(i) + " is outside [0, " +
                                  std::to_string(num_classes) + ")");
    }
    by_class[static_cast<std::size_t>(data[i])].push_back(i);
  }
  return by_class;
}

}  // namespace

SplitIndices stratified_split_indices(const torch::Tensor& labels, int num_classes,
                                      double validation_fraction, std::uint64_t seed) {
  return stratified_split_indices(labels, num_classes, validation_fraction, 0.0, seed);
}

SplitIndices stratified_split_indices(const torch::Tensor& labels, int num_classes,
                                      double validation_fraction, double test_fraction,
                                      std::uint64_t seed) {
  if (!(validation_fraction > 0.0 && validation_fraction < 1.0)) {
    throw std::invalid_argument("validation_fraction must be between 0 and 1 (exclusive), got " +
                                std::to_string(validation_fraction));
  }
  if (!(test_fraction >= 0.0 && validation_fraction + test_fraction < 1.0)) {
    throw std::invalid_argument("test_fraction must be at least 0 and leave room for training, got " +
                                std::to_string(test_fraction));
  }
  auto by_class = indices_by_class(labels, num_classes);
  std::mt19937_64 engine(seed);
  SplitIndices split;
  for (auto& members : by_class) {
    const auto count = static_cast<std::int64_t>(members.size());
    // Every side sees every class while the class is large enough; training keeps at least one.
    std::int64_t test = 0;
    if (test_fraction > 0.0 && count >= 3) {
      test = std::clamp<std::int64_t>(std::llround(test_fraction * static_cast<double>(count)), 1,
                                      count - 2);
    }
    std::int64_t validation = 0;
    if (count - test >= 2) {
      validation = std::clamp<std::int64_t>(
          std::llround(validation_fraction * static_cast<double>(count)), 1, count - test - 1);
    }
    shuffle(members, engine);
    const auto validation_end = members.begin() + validation;
    const auto test_end = validation_end + test;
    split.validation.insert(split.validation.end(), members.begin(), validation_end);
    split.test.insert(split.test.end(), validation_end, test_end);
    split.train.insert(split.train.end(), test_end, members.end());
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

DatasetSplit stratified_split(const Dataset& all, double validation_fraction, std::uint64_t seed) {
  return stratified_split(all, validation_fraction, 0.0, seed);
}

DatasetSplit stratified_split(const Dataset& all, double validation_fraction, double test_fraction,
                              std::uint64_t seed) {
  const SplitIndices indices = stratified_split_indices(all.labels, all.num_classes,
                                                        validation_fraction, test_fraction, seed);
  return {select_rows(all, indices.train), select_rows(all, indices.validation),
          select_rows(all, indices.test)};
}

std::vector<std::int64_t> stratified_subset_indices(const torch::Tensor& labels, int num_classes,
                                                    int max_samples, std::uint64_t seed) {
  if (max_samples < 1) {
    throw std::invalid_argument("max_samples must be at least 1, got " +
                                std::to_string(max_samples));
  }
  auto by_class = indices_by_class(labels, num_classes);
  const std::int64_t total = labels.size(0);
  std::vector<std::int64_t> chosen;
  if (max_samples >= total) {
    chosen.resize(static_cast<std::size_t>(total));
    std::iota(chosen.begin(), chosen.end(), std::int64_t{0});
    return chosen;
  }

  // Largest remainder: floor of each exact share, then the leftover seats to the largest
  // fractional parts (lower class first on ties, for determinism).
  const std::size_t classes = by_class.size();
  std::vector<std::int64_t> quota(classes);
  std::vector<double> remainder(classes);
  std::int64_t assigned = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    const double share = static_cast<double>(max_samples) *
                         static_cast<double>(by_class[c].size()) / static_cast<double>(total);
    quota[c] = static_cast<std::int64_t>(std::floor(share));
    remainder[c] = share - static_cast<double>(quota[c]);
    assigned += quota[c];
  }
  std::vector<std::size_t> order(classes);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t i = 0; assigned < max_samples && i < classes; ++i) {
    if (quota[order[i]] < static_cast<std::int64_t>(by_class[order[i]].size())) {
      ++quota[order[i]];
      ++assigned;
    }
  }
  // A rare class may have rounded to nothing; lend it a seat from the largest quota so the subset
  // still spans every class (possible whenever max_samples >= the number of classes present).
  for (std::size_t c = 0; c < classes; ++c) {
    if (quota[c] > 0 || by_class[c].empty()) continue;
    const auto donor =
        static_cast<std::size_t>(std::max_element(quota.begin(), quota.end()) - quota.begin());
    if (quota[donor] < 2) break;
    --quota[donor];
    quota[c] = 1;
  }

  std::mt19937_64 engine(seed ^ kSubsetSalt);
  for (std::size_t c = 0; c < classes; ++c) {
    shuffle(by_class[c], engine);
    chosen.insert(chosen.end(), by_class[c].begin(), by_class[c].begin() + quota[c]);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

Dataset stratified_subset(const Dataset& all, int max_samples, std::uint64_t seed) {
  if (max_samples >= all.size()) return all;
  return select_rows(all,
                     stratified_subset_indices(all.labels, all.num_classes, max_samples, seed));
}

Dataset select_rows(const Dataset& all, const std::vector<std::int64_t>& indices) {
  const torch::Tensor index =
      torch::from_blob(const_cast<std::int64_t*>(indices.data()),
                       {static_cast<std::int64_t>(indices.size())}, torch::kInt64);
  Dataset part;
  part.features = all.features.index_select(0, index);
  part.labels = all.labels.index_select(0, index);
  part.num_classes = all.num_classes;
  part.name = all.name;
  part.class_names = all.class_names;
  return part;
}

}  // namespace moelab
