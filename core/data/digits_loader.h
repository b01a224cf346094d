#pragma once
// The UCI optical digits CSV: per line 64 pixel counts 0..16 (an 8x8 image, row-major) and the
// label 0..9, no header. Features are scaled to [0, 1] once here.

#include <cstdint>
#include <span>
#include <string>

#include "data/dataset.h"

namespace moelab {

inline constexpr int kDigitsPixels = 64;
inline constexpr int kDigitsMaxPixel = 16;
inline constexpr int kDigitsClasses = 10;

// `csv_or_gz` may be plain or gzip-compressed. Throws DataError naming `source_name` and, for a
// bad row, its line number.
Dataset load_digits_csv(std::span<const std::uint8_t> csv_or_gz, const std::string& source_name);

// The copy compiled into the library.
inline constexpr int kEmbeddedDigitsSamples = 1797;
Dataset load_embedded_digits();

Dataset load_digits_file(const std::string& path);

}  // namespace moelab
