#include "data/gzip_reader.h"

#include <algorithm>

namespace moelab {

namespace {

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  return bytes >= kMiB ? std::to_string(bytes / kMiB) + " MiB" : std::to_string(bytes) + " bytes";
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  try {
    return InputFile(path, "the data file").read_all(kMaxDataBytes);
  } catch (const InputFileError& e) {
    throw DataError(e.what());
  }
}

std::vector<std::uint8_t> gunzip_if_compressed(std::span<const std::uint8_t> bytes,
                                               const std::string& source_name,
                                               std::size_t max_output) {
  if (!is_gzip(bytes)) return {bytes.begin(), bytes.end()};
  ByteStream stream(bytes, source_name);
  std::vector<std::uint8_t> out;
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  for (;;) {
    const std::size_t old_size = out.size();
    // One byte beyond the cap tells a stream that reaches it from one that exceeds it.
    const std::size_t block = std::min(kBlock, max_output + 1 - old_size);
    out.resize(old_size + block);
    const std::size_t got = stream.read(out.data() + old_size, block);
    out.resize(old_size + got);
    if (out.size() > max_output) {
      throw DataError(source_name + ": decompresses to more than " + size_text(max_output) +
                      "; refusing to continue");
    }
    if (got < block) break;
  }
  out.shrink_to_fit();
  return out;
}

}  // namespace moelab
