#pragma once
// The IDX format of MNIST and Fashion-MNIST: an image file (magic 0x00000803, unsigned bytes,
// dimensions count x rows x cols) paired with a label file (magic 0x00000801, count labels).
// Pixels are scaled to [0, 1] and flattened row-major.
//
// The files are streamed: the labels are read first, the subset is chosen from them, and only the
// chosen images are kept, so a large set asked for a few thousand samples costs the memory of
// those samples. Before any payload is read, a set whose kept part cannot fit in the memory
// available (util/memory_budget.h) is refused with the largest subset that would fit.
//
// Labels must be the classes 0..C-1, each present at least once (C = 10 for a Fashion-MNIST
// folder): a label outside them is refused with the file, its index and its value.

#include <cstdint>
#include <span>
#include <string>

#include "data/dataset.h"

namespace moelab {

// Which rows to keep: all (max_samples 0), or a stratified subset of at most max_samples rows
// chosen from `seed` exactly as stratified_subset_indices() chooses them.
struct IdxSubset {
  int max_samples = 0;
  std::uint64_t seed = 0;
};

// Each buffer may be plain or gzip-compressed. The names only appear in error messages.
Dataset parse_idx(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels,
                  const std::string& images_name, const std::string& labels_name,
                  const IdxSubset& subset = {});

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path,
                      const IdxSubset& subset = {});

// Loads train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] from `dir`, followed by the
// t10k-* pair when present (or the t10k-* pair alone). The run makes its own validation split, so
// the official test split is simply more data. A folder whose path mentions "fashion" gets the
// Fashion-MNIST class names.
Dataset load_idx_folder(const std::string& dir, const IdxSubset& subset = {});

}  // namespace moelab
