#include "data/byte_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace moelab {

namespace {

// zlib counts in uInt (32 bits); hand it bounded slices so that inputs above 4 GiB cannot wrap.
constexpr std::size_t kMaxZlibChunk = std::numeric_limits<uInt>::max() / 2;
constexpr std::size_t kFileBuffer = std::size_t{1} << 18;
constexpr std::size_t kSkipBuffer = std::size_t{1} << 16;

}  // namespace

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

class ByteStream::Inflater {
 public:
  explicit Inflater(const std::string& name) {
    // 15 + 16: maximum window, gzip framing only (the stream was recognised by its magic).
    if (inflateInit2(&stream, 15 + 16) != Z_OK) {
      throw DataError(name + ": cannot initialise the gzip decoder");
    }
  }
  ~Inflater() { inflateEnd(&stream); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  z_stream stream{};
  std::vector<std::uint8_t> buffer;  // stored bytes read from a file, not yet inflated
  bool member_ended = false;         // a gzip member ended; another may follow
  bool finished = false;             // the last member ended and nothing follows
};

ByteStream::ByteStream(std::span<const std::uint8_t> bytes, std::string name)
    : name_(std::move(name)), memory_(bytes), stored_size_(bytes.size()) {
  if (is_gzip(bytes)) inflater_ = std::make_unique<Inflater>(name_);
}

ByteStream::ByteStream(InputFile file) : name_(file.path()), stored_size_(file.size()) {
  file_.emplace(std::move(file));
  std::uint8_t magic[2] = {0, 0};
  const std::size_t got = read_stored(magic, sizeof magic);
  if (is_gzip({magic, got})) {
    inflater_ = std::make_unique<Inflater>(name_);
    inflater_->buffer.resize(kFileBuffer);
    std::memcpy(inflater_->buffer.data(), magic, got);
    inflater_->stream.next_in = inflater_->buffer.data();
    inflater_->stream.avail_in = static_cast<uInt>(got);
  } else {
    stored_position_ = 0;  // plain: back to the start
    skip_stored(0);
  }
}

ByteStream::~ByteStream() = default;
ByteStream::ByteStream(ByteStream&&) noexcept = default;
ByteStream& ByteStream::operator=(ByteStream&&) noexcept = default;

std::optional<std::uint64_t> ByteStream::known_size() const {
  if (compressed()) return std::nullopt;
  return stored_size_;
}

std::uint64_t ByteStream::max_size() const {
  if (!compressed()) return stored_size_;
  return stored_size_ > std::numeric_limits<std::uint64_t>::max() / kMaxDeflateRatio
             ? std::numeric_limits<std::uint64_t>::max()
             : stored_size_ * kMaxDeflateRatio;
}

std::size_t ByteStream::read_stored(std::uint8_t* out, std::size_t count) {
  if (!file_) {
    const std::size_t got =
        static_cast<std::size_t>(std::min<std::uint64_t>(count, stored_size_ - stored_position_));
    std::memcpy(out, memory_.data() + stored_position_, got);
    stored_position_ += got;
    return got;
  }
  try {
    const std::size_t got = file_->read(out, count);
    stored_position_ += got;
    return got;
  } catch (const InputFileError& e) {
    throw DataError(e.what());
  }
}

void ByteStream::skip_stored(std::uint64_t count) {
  stored_position_ = std::min(stored_size_, stored_position_ + count);
  if (file_) {
    try {
      file_->seek(stored_position_);
    } catch (const InputFileError& e) {
      throw DataError(e.what());
    }
  }
}

namespace {

// Makes at least `wanted` stored bytes available to zlib when the data has them. Memory is handed
// over in place; a file is read into the inflater's buffer after what zlib has not consumed yet.
template <typename ReadStored>
void fill_input(z_stream& stream, std::vector<std::uint8_t>& buffer,
                std::span<const std::uint8_t> memory, std::uint64_t& memory_position,
                bool from_file, std::size_t wanted, ReadStored read_stored) {
  if (stream.avail_in >= wanted) return;
  if (!from_file) {
    const std::uint8_t* next = memory.data() + memory_position - stream.avail_in;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(
        memory.size() - memory_position, kMaxZlibChunk - stream.avail_in));
    memory_position += take;
    // zlib never writes through next_in; the const_cast is for its C signature only.
    stream.next_in = const_cast<Bytef*>(next);
    stream.avail_in += static_cast<uInt>(take);
    return;
  }
  std::memmove(buffer.data(), stream.next_in, stream.avail_in);
  const std::size_t got = read_stored(buffer.data() + stream.avail_in,
                                      buffer.size() - stream.avail_in);
  stream.next_in = buffer.data();
  stream.avail_in += static_cast<uInt>(got);
}

}  // namespace

std::size_t ByteStream::read(std::uint8_t* out, std::size_t count) {
  std::size_t produced = 0;
  if (count > 0 && peeked_) {
    out[produced++] = *peeked_;
    peeked_.reset();
  }
  if (!inflater_) return produced + read_stored(out + produced, count - produced);

  Inflater& in = *inflater_;
  z_stream& stream = in.stream;
  const auto fill = [&](std::size_t wanted) {
    fill_input(stream, in.buffer, memory_, stored_position_, file_.has_value(), wanted,
               [this](std::uint8_t* to, std::size_t n) { return read_stored(to, n); });
  };
  while (produced < count && !in.finished) {
    if (in.member_ended) {
      // Another member may follow (gzip -d joins them); anything else after the end is an error.
      fill(2);
      if (stream.avail_in == 0) {
        in.finished = true;
        break;
      }
      if (!is_gzip({stream.next_in, stream.avail_in})) {
        throw DataError(name_ + ": unexpected bytes after the end of the gzip data");
      }
      if (inflateReset(&stream) != Z_OK) {
        throw DataError(name_ + ": cannot restart the gzip decoder");
      }
      in.member_ended = false;
    }
    if (stream.avail_in == 0) fill(1);
    const std::size_t room = std::min(kMaxZlibChunk, count - produced);
    stream.next_out = out + produced;
    stream.avail_out = static_cast<uInt>(room);
    const int result = inflate(&stream, Z_NO_FLUSH);
    produced += room - stream.avail_out;
    if (result == Z_STREAM_END) {
      in.member_ended = true;
      continue;
    }
    if (result == Z_OK) continue;
    if (result == Z_BUF_ERROR && stream.avail_in == 0) {
      // No input left to make progress with, and the member has not ended.
      fill(1);
      if (stream.avail_in == 0) {
        throw DataError(name_ + ": corrupt or truncated gzip data (ends early)");
      }
      continue;
    }
    if (result == Z_MEM_ERROR) throw DataError(name_ + ": out of memory while decompressing");
    const char* detail = stream.msg != nullptr ? stream.msg : "unknown error";
    throw DataError(name_ + ": corrupt or truncated gzip data (" + detail + ")");
  }
  return produced;
}

std::uint64_t ByteStream::skip(std::uint64_t count) {
  std::uint64_t skipped = 0;
  if (count > 0 && peeked_) {
    peeked_.reset();
    ++skipped;
  }
  if (!inflater_) {
    const std::uint64_t take = std::min(count - skipped, stored_size_ - stored_position_);
    skip_stored(take);
    return skipped + take;
  }
  std::vector<std::uint8_t> scratch(static_cast<std::size_t>(std::min<std::uint64_t>(count, kSkipBuffer)));
  while (skipped < count) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(count - skipped, scratch.size()));
    const std::size_t got = read(scratch.data(), want);
    skipped += got;
    if (got < want) break;
  }
  return skipped;
}

bool ByteStream::at_end() {
  if (peeked_) return false;
  std::uint8_t byte = 0;
  if (read(&byte, 1) == 0) return true;
  peeked_ = byte;
  return false;
}

}  // namespace moelab
