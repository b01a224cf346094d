#include "data/gzip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>

namespace moelab {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// zlib counts in uInt (32 bits); feed it bounded slices so inputs above 4 GiB cannot wrap.
constexpr std::size_t kMaxZlibChunk = std::numeric_limits<uInt>::max() / 2;

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  return bytes >= kMiB ? std::to_string(bytes / kMiB) + " MiB" : std::to_string(bytes) + " bytes";
}

class InflateStream {
 public:
  explicit InflateStream(const std::string& source_name) {
    // 15 + 32: maximum window, and let zlib recognise the gzip (or zlib) header itself.
    if (inflateInit2(&stream_, 15 + 32) != Z_OK) {
      throw DataError(source_name + ": cannot initialise the gzip decoder");
    }
  }
  ~InflateStream() { inflateEnd(&stream_); }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;

  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
};

// The gzip trailer holds the uncompressed size (mod 2^32) of the last member: exact for the usual
// single-member file, so the output is allocated once. Only a first guess, bounded by deflate's
// maximum ratio (about 1032:1) so that a forged trailer cannot trigger a huge allocation.
std::size_t initial_output_size(std::span<const std::uint8_t> bytes) {
  constexpr std::size_t kMinimum = 1024;
  if (bytes.size() < 18) return kMinimum;  // smaller than an empty gzip member
  const std::size_t end = bytes.size();
  const std::size_t recorded = std::size_t{bytes[end - 4]} | (std::size_t{bytes[end - 3]} << 8) |
                               (std::size_t{bytes[end - 2]} << 16) |
                               (std::size_t{bytes[end - 1]} << 24);
  return std::max(kMinimum, std::min(recorded, bytes.size() * 1032));
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw DataError(path + ": file not found");
  }
  if (std::filesystem::is_directory(status)) {
    throw DataError(path + ": is a folder, not a file");
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw DataError(path + ": cannot open (" + std::strerror(errno) + ")");
  }

  // Read in blocks rather than trusting a size query, which is wrong for pipes and /proc files.
  std::vector<std::uint8_t> bytes;
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  for (;;) {
    const std::size_t old_size = bytes.size();
    if (old_size > kMaxDataBytes) {
      throw DataError(path + ": larger than the " + size_text(kMaxDataBytes) +
                      " limit for data files");
    }
    bytes.resize(old_size + kBlock);
    const std::size_t got = std::fread(bytes.data() + old_size, 1, kBlock, file.get());
    bytes.resize(old_size + got);
    if (got < kBlock) break;
  }
  if (std::ferror(file.get())) {
    throw DataError(path + ": read error (" + std::strerror(errno) + ")");
  }
  return bytes;
}

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::vector<std::uint8_t> gunzip_if_compressed(std::span<const std::uint8_t> bytes,
                                               const std::string& source_name,
                                               std::size_t max_output) {
  if (!is_gzip(bytes)) return {bytes.begin(), bytes.end()};

  InflateStream inflater(source_name);
  z_stream* stream = inflater.get();
  std::vector<std::uint8_t> out;
  out.resize(std::min(max_output, initial_output_size(bytes)));
  std::size_t produced = 0;
  std::size_t consumed = 0;

  for (;;) {
    if (stream->avail_in == 0 && consumed < bytes.size()) {
      const std::size_t slice = std::min(kMaxZlibChunk, bytes.size() - consumed);
      // zlib never writes through next_in; the const_cast is for its C signature only.
      stream->next_in = const_cast<Bytef*>(bytes.data() + consumed);
      stream->avail_in = static_cast<uInt>(slice);
      consumed += slice;
    }
    if (produced == out.size()) {
      if (out.size() >= max_output) {
        throw DataError(source_name + ": decompresses to more than " + size_text(max_output) +
                        "; refusing to continue");
      }
      out.resize(std::min(max_output, out.size() * 2));
    }
    const std::size_t room = std::min(kMaxZlibChunk, out.size() - produced);
    stream->next_out = out.data() + produced;
    stream->avail_out = static_cast<uInt>(room);

    const int result = inflate(stream, Z_NO_FLUSH);
    produced += room - stream->avail_out;

    if (result == Z_STREAM_END) {
      const std::size_t remaining = stream->avail_in + (bytes.size() - consumed);
      if (remaining == 0) break;
      const std::span<const std::uint8_t> rest = bytes.subspan(bytes.size() - remaining);
      if (!is_gzip(rest)) {
        throw DataError(source_name + ": unexpected bytes after the end of the gzip data");
      }
      if (inflateReset(stream) != Z_OK) {
        throw DataError(source_name + ": cannot restart the gzip decoder");
      }
      continue;
    }
    if (result == Z_OK) continue;
    if (result == Z_BUF_ERROR) {
      // No progress possible: either the output is full (grow it next round) or the input ran out
      // before the stream ended.
      if (stream->avail_out == 0) continue;
      if (stream->avail_in == 0 && consumed == bytes.size()) {
        throw DataError(source_name + ": corrupt or truncated gzip data (ends early)");
      }
      continue;
    }
    if (result == Z_MEM_ERROR) {
      throw DataError(source_name + ": out of memory while decompressing");
    }
    const char* detail = stream->msg != nullptr ? stream->msg : "unknown error";
    throw DataError(source_name + ": corrupt or truncated gzip data (" + detail + ")");
  }
  out.resize(produced);
  out.shrink_to_fit();
  return out;
}

}  // namespace moelab
