#pragma once
// The IDX format of MNIST and Fashion-MNIST: an image file (magic 0x00000803, unsigned bytes,
// dimensions count x rows x cols) paired with a label file (magic 0x00000801, count labels).
// Pixels are scaled to [0, 1] and flattened row-major.

#include <cstdint>
#include <span>
#include <string>

#include "data/dataset.h"

namespace moelab {

// Each buffer may be plain or gzip-compressed. The names only appear in error messages.
Dataset parse_idx(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels,
                  const std::string& images_name, const std::string& labels_name);

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path);

// Loads train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] from `dir`, followed by the
// t10k-* pair when present (or the t10k-* pair alone). The run makes its own validation split, so
// the official test split is simply more data. A folder whose path mentions "fashion" gets the
// Fashion-MNIST class names.
Dataset load_idx_folder(const std::string& dir);

}  // namespace moelab
