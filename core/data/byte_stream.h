#pragma once
// A data file read front to back, from memory or from disk, gzip-compressed or not: the loaders
// read what they need through it and skip the rest, so a large set costs the memory of what is
// kept, not of the file. Concatenated gzip members are joined (as gzip -d does). Every failure is
// a DataError whose message starts with the stream's name.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "io/input_file.h"

namespace moelab {

// Deflate cannot expand data by more than about 1032:1; a header that announces more than this
// times the compressed size is lying, and is refused before any decompression.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;

class ByteStream {
 public:
  // `bytes` must outlive the stream.
  ByteStream(std::span<const std::uint8_t> bytes, std::string name);
  explicit ByteStream(InputFile file);
  ~ByteStream();
  ByteStream(ByteStream&&) noexcept;
  ByteStream& operator=(ByteStream&&) noexcept;

  const std::string& name() const { return name_; }
  bool compressed() const { return inflater_ != nullptr; }
  // The size of the file or buffer as stored (compressed when compressed()).
  std::uint64_t stored_size() const { return stored_size_; }
  // The bytes a reader will see, when known without reading them: plain data only.
  std::optional<std::uint64_t> known_size() const;
  // Upper bound of the bytes a reader can see: the stored size, times deflate's maximum ratio.
  std::uint64_t max_size() const;

  // Reads up to `count` bytes; fewer only at the end of the data.
  std::size_t read(std::uint8_t* out, std::size_t count);
  // Skips up to `count` bytes (seeking when plain); fewer only at the end of the data.
  std::uint64_t skip(std::uint64_t count);
  // Whether the data has ended (reads one byte ahead when it must).
  bool at_end();

 private:
  class Inflater;
  // The stored bytes, before decompression.
  std::size_t read_stored(std::uint8_t* out, std::size_t count);
  void skip_stored(std::uint64_t count);

  std::string name_;
  std::span<const std::uint8_t> memory_;
  std::optional<InputFile> file_;
  std::uint64_t stored_size_ = 0;
  std::uint64_t stored_position_ = 0;
  std::unique_ptr<Inflater> inflater_;
  std::optional<std::uint8_t> peeked_;  // one byte read ahead by at_end()
};

bool is_gzip(std::span<const std::uint8_t> bytes);

}  // namespace moelab
