#pragma once
// The one entry point the trainer uses: the configured data set, subsetted and split.

#include <cstdint>
#include <string>

#include "config/run_config.h"
#include "data/dataset.h"

namespace moelab {

// Loads config.kind (embedded digits, synthetic clusters from `seed`, or an IDX folder), takes a
// stratified subset of config.max_samples rows when that is positive, and splits off
// config.validation_fraction for validation. Both halves are non-empty and contain every class
// that has at least two samples. Throws DataError for bad data, std::invalid_argument for bad
// options.
DatasetSplit load_dataset(const DataConfig& config, std::uint64_t seed);

// Memory for `samples` rows of `dimension` float features and their int64 labels, counted twice:
// a loaded set and the split's copies of it live together while the data is split.
std::uint64_t estimate_dataset_bytes(std::int64_t samples, std::int64_t dimension);

// The checks every loader ends with: float32 [N, D] features, all finite; int64 [N] labels within
// [0, num_classes); one class name per class; at least two classes actually present. Throws
// DataError naming `source`.
void validate_dataset(const Dataset& dataset, const std::string& source);

}  // namespace moelab
