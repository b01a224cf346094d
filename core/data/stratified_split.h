#pragma once
// Class-balanced train/validation splits and subsets, reproducible from a seed. Within a class the
// choice is a seeded shuffle; the chosen rows keep their original order.

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace moelab {

struct SplitIndices {
  std::vector<std::int64_t> train;       // ascending
  std::vector<std::int64_t> validation;  // ascending
  std::vector<std::int64_t> test;        // ascending; empty without a test fraction
};

// Per class of n samples, round(fraction * n) go to validation, clamped to [1, n - 1] when n >= 2
// so that both sides see every class; a class of one sample stays in training.
// Throws std::invalid_argument unless 0 < validation_fraction < 1.
SplitIndices stratified_split_indices(const torch::Tensor& labels, int num_classes,
                                      double validation_fraction, std::uint64_t seed);

DatasetSplit stratified_split(const Dataset& all, double validation_fraction, std::uint64_t seed);

// Three ways: per class of n samples, round(test_fraction * n) go to the test set (clamped to
// [1, n - 2] when n >= 3), then validation as above from what is left, the rest to training.
// The same seed gives the same validation rows as the two-way split when test_fraction is 0.
SplitIndices stratified_split_indices(const torch::Tensor& labels, int num_classes,
                                      double validation_fraction, double test_fraction,
                                      std::uint64_t seed);
DatasetSplit stratified_split(const Dataset& all, double validation_fraction, double test_fraction,
                              std::uint64_t seed);

// At most `max_samples` row indices (ascending) with the class proportions of `labels` (largest
// remainder rounding, and every class kept while max_samples allows). All rows when max_samples
// is at least the size. Throws std::invalid_argument if max_samples < 1.
std::vector<std::int64_t> stratified_subset_indices(const torch::Tensor& labels, int num_classes,
                                                    int max_samples, std::uint64_t seed);

Dataset stratified_subset(const Dataset& all, int max_samples, std::uint64_t seed);

// The rows `indices` of `all`, with its name and classes.
Dataset select_rows(const Dataset& all, const std::vector<std::int64_t>& indices);

}  // namespace moelab
