// libFuzzer target for everything that parses untrusted bytes: the digits CSV reader, the IDX
// parser and the gzip layer under both. Built and run by scripts/fuzz.sh, outside the CMake build
// because it needs clang's libFuzzer.
//
// Input layout: byte 0 picks the parser. For IDX, bytes 1-2 (little-endian) say where the image
// file ends and the label file begins within the rest.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>
#include <string>

#include "data/dataset.h"
#include "data/digits_loader.h"
#include "data/idx_loader.h"
#include "data/stratified_split.h"

namespace {

// Whatever parsed must also survive the steps that follow a load.
void exercise(const moelab::Dataset& dataset) {
  const moelab::DatasetSplit split = moelab::stratified_split(dataset, 0.2, 1);
  if (split.train.size() + split.validation.size() != dataset.size()) std::abort();
  if (dataset.size() > 2) {
    const int wanted = static_cast<int>(dataset.size() / 2);
    if (moelab::stratified_subset(dataset, wanted, 1).size() != wanted) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const std::uint8_t> input(data, size);
  try {
    if (input[0] % 2 == 0) {
      exercise(moelab::load_digits_csv(input.subspan(1), "fuzz.csv"));
    } else {
      if (size < 3) return 0;
      const std::span<const std::uint8_t> files = input.subspan(3);
      const std::size_t cut = std::min<std::size_t>(input[1] | (input[2] << 8), files.size());
      exercise(
          moelab::parse_idx(files.first(cut), files.subspan(cut), "fuzz-images", "fuzz-labels"));
    }
  } catch (const moelab::DataError&) {
  } catch (const std::exception& error) {
    // Anything but DataError is a finding: the loaders promise DataError for bad bytes.
    std::fprintf(stderr, "not a DataError: %s\n", error.what());
    std::abort();
  }
  return 0;
}
