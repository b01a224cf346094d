#pragma once
// Whole-file reads and transparent gzip decompression for the data loaders that need a whole file
// in memory (the digits CSV). Every failure is a DataError whose message starts with the file (or
// buffer) name. The IDX loader streams instead (data/byte_stream.h).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/byte_stream.h"
#include "data/dataset.h"

namespace moelab {

// Nothing the lab reads whole comes close to this; the cap only stops a malicious or broken file (a
// "gzip bomb" expands about 1000:1) from exhausting memory.
inline constexpr std::size_t kMaxDataBytes = std::size_t{1} << 30;

// Refuses a path that is not a readable regular file (io/input_file.h) with a DataError.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

// Returns the inflated bytes if `bytes` starts with the gzip magic 1f 8b (several concatenated
// members are joined, as gzip -d does), otherwise a copy of `bytes`.
std::vector<std::uint8_t> gunzip_if_compressed(std::span<const std::uint8_t> bytes,
                                               const std::string& source_name,
                                               std::size_t max_output = kMaxDataBytes);

}  // namespace moelab
