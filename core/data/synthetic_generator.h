#pragma once
// Gaussian clusters, one class per cluster: a data set whose difficulty (spread vs separation) and
// input offset are knobs, for experiments the real data sets cannot isolate.

#include <cstdint>

#include "config/run_config.h"
#include "data/dataset.h"

namespace moelab {

// The same options and seed give the same bytes on every run, whatever the global torch seed.
// Throws std::invalid_argument naming the first bad option.
Dataset generate_synthetic(const SyntheticDataOptions& options, std::uint64_t seed);

void validate_synthetic_options(const SyntheticDataOptions& options);

}  // namespace moelab
