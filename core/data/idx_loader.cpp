#include "data/idx_loader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "config/setting_catalog.h"
#include "data/byte_stream.h"
#include "data/dataset_loader.h"
#include "data/stratified_split.h"
#include "io/input_file.h"
#include "util/logging.h"
#include "util/memory_budget.h"

namespace moelab {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr std::size_t kImagesHeader = 16;
constexpr std::size_t kLabelsHeader = 8;
// Labels are bytes: at most 256 classes.
constexpr int kLabelValues = 256;
// Images are converted to floats this many bytes at a time.
constexpr std::int64_t kStagingBytes = std::int64_t{1} << 20;

constexpr std::array<const char*, 10> kFashionNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

std::uint32_t read_big_endian(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::string hex32(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof(text), "0x%08x", value);
  return text;
}

// Reads and checks the header: magic, then the rest. Returns the header's bytes.
std::array<std::uint8_t, kImagesHeader> read_header(ByteStream& stream, std::uint32_t expected,
                                                    std::size_t header, const char* kind) {
  std::array<std::uint8_t, kImagesHeader> bytes{};
  const std::size_t got = stream.read(bytes.data(), header);
  const std::string& name = stream.name();
  if (got == 0) throw DataError(name + ": file is empty");
  if (got < 4) {
    throw DataError(name + ": too short to be an IDX " + kind + " file (" + std::to_string(got) +
                    " bytes)");
  }
  const std::uint32_t magic = read_big_endian(bytes.data());
  if (magic != expected) {
    throw DataError(name + ": not an IDX " + kind + " file (magic number " + hex32(magic) +
                    ", expected " + hex32(expected) + ")");
  }
  if (got < header) {
    throw DataError(name + ": truncated IDX header (" + std::to_string(got) +
                    " bytes, the header alone is " + std::to_string(header) + ")");
  }
  return bytes;
}

std::string items_text(std::uint64_t count, std::uint64_t item_size, const char* items) {
  return std::to_string(count) + " " +
         (item_size > 1 ? std::string(items) + " of " + std::to_string(item_size) + " bytes"
                        : std::string(items));
}

// Compares the payload with what the header announces without ever forming a product that could
// overflow, so absurd dimensions fail here, before any allocation or reading. The payload's size
// is exact for plain data; compressed data is bounded by deflate's ratio. `item_size` is never 0.
void check_payload(const ByteStream& stream, std::size_t header, std::uint64_t count,
                   std::uint64_t item_size, const char* items) {
  const std::string announces = ": the header announces " + items_text(count, item_size, items);
  if (const auto size = stream.known_size()) {
    const std::uint64_t payload = *size - header;
    if (payload % item_size == 0 && payload / item_size == count) return;
    const bool truncated = count > payload / item_size;
    throw DataError(stream.name() + ": " + (truncated ? "truncated" : "has extra bytes") +
                    announces + " but " + std::to_string(payload) + " bytes follow it");
  }
  if (count > stream.max_size() / item_size) {
    throw DataError(stream.name() + ": truncated" + announces + ", more than a gzip file of " +
                    std::to_string(stream.stored_size()) + " bytes can hold");
  }
}

// After the last byte the header announced, nothing may follow.
void check_no_extra_bytes(ByteStream& stream, std::uint64_t count, std::uint64_t item_size,
                          const char* items) {
  if (stream.at_end()) return;
  throw DataError(stream.name() + ": has extra bytes: the header announces " +
                  items_text(count, item_size, items) + " but more bytes follow them");
}

[[noreturn]] void truncated(const ByteStream& stream, std::uint64_t count, std::uint64_t item_size,
                            const char* items, std::uint64_t got) {
  throw DataError(stream.name() + ": truncated: the header announces " +
                  items_text(count, item_size, items) + " but only " + std::to_string(got) +
                  " bytes follow it");
}

// One image file and its label file, headers read and checked against each other; the streams
// stand at the start of their payloads.
struct IdxPart {
  IdxPart(ByteStream image_stream, ByteStream label_stream)
      : images(std::move(image_stream)), labels(std::move(label_stream)) {}

  ByteStream images;
  ByteStream labels;
  std::int64_t count = 0;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<std::uint8_t> label_bytes;  // once read

  std::int64_t dimension() const { return rows * cols; }

  void read_labels() {
    label_bytes.resize(static_cast<std::size_t>(count));
    const std::size_t got = labels.read(label_bytes.data(), label_bytes.size());
    if (got < label_bytes.size()) truncated(labels, count, 1, "labels", got);
    check_no_extra_bytes(labels, count, 1, "labels");
  }

  // Converts the images at `rows` (ascending, local to this part; every image when null) into
  // `features` from row `first_out` on, then checks the rest of the file without keeping it.
  void read_images(const std::vector<std::int64_t>* chosen, torch::Tensor& features,
                   std::int64_t first_out);
};

void IdxPart::read_images(const std::vector<std::int64_t>* chosen, torch::Tensor& features,
                          std::int64_t first_out) {
  const std::int64_t d = dimension();
  const std::int64_t kept = chosen ? static_cast<std::int64_t>(chosen->size()) : count;
  const std::int64_t staging_rows = std::max<std::int64_t>(1, kStagingBytes / d);
  auto staging = torch::empty({std::min(staging_rows, std::max<std::int64_t>(kept, 1)), d},
                              torch::kUInt8);
  auto* buffer = staging.data_ptr<std::uint8_t>();
  const auto item = static_cast<std::uint64_t>(d);
  std::int64_t position = 0;  // the next image in the file
  std::int64_t staged = 0;
  std::int64_t written = 0;
  const auto flush = [&] {
    // The same conversion as a whole-file load: bytes copied into floats, divided by 255 below.
    features.narrow(0, first_out + written, staged).copy_(staging.narrow(0, 0, staged));
    written += staged;
    staged = 0;
  };
  const auto consumed = [&] { return static_cast<std::uint64_t>(position) * item; };
  std::size_t next = 0;  // into `chosen`
  while (written + staged < kept) {
    const std::int64_t row = chosen ? (*chosen)[next++] : position;
    const auto gap = static_cast<std::uint64_t>(row - position) * item;
    if (images.skip(gap) < gap) truncated(images, count, item, "images", consumed());
    position = row;
    // Consecutive images (all of them, without a subset) are read a staging buffer at a time.
    const std::int64_t run = chosen ? 1 : std::min(staging.size(0) - staged, count - position);
    const auto want = static_cast<std::size_t>(run * d);
    const std::size_t got = images.read(buffer + staged * d, want);
    if (got < want) truncated(images, count, item, "images", consumed() + got);
    position += run;
    staged += run;
    if (staged == staging.size(0)) flush();
  }
  if (staged > 0) flush();
  // The images not kept are still read through (skipped), so that a truncated or corrupt file is
  // refused whatever the subset, and a gzip file's checksum is verified.
  const auto rest = static_cast<std::uint64_t>(count - position) * item;
  const std::uint64_t skipped = images.skip(rest);
  if (skipped < rest) truncated(images, count, item, "images", consumed() + skipped);
  check_no_extra_bytes(images, count, item, "images");
}

IdxPart open_part(ByteStream images, ByteStream labels) {
  IdxPart part(std::move(images), std::move(labels));
  const auto image_header = read_header(part.images, kImagesMagic, kImagesHeader, "image");
  const std::uint64_t count = read_big_endian(image_header.data() + 4);
  const std::uint64_t rows = read_big_endian(image_header.data() + 8);
  const std::uint64_t cols = read_big_endian(image_header.data() + 12);
  const std::string& images_name = part.images.name();
  if (count == 0) throw DataError(images_name + ": contains no images");
  if (rows == 0 || cols == 0) {
    throw DataError(images_name + ": image size " + std::to_string(rows) + "x" +
                    std::to_string(cols) + " is empty");
  }
  // Both factors are below 2^32, so their product fits in 64 bits.
  check_payload(part.images, kImagesHeader, count, rows * cols, "images");

  const auto label_header = read_header(part.labels, kLabelsMagic, kLabelsHeader, "label");
  const std::uint64_t label_count = read_big_endian(label_header.data() + 4);
  check_payload(part.labels, kLabelsHeader, label_count, 1, "labels");
  if (label_count != count) {
    throw DataError(part.labels.name() + ": has " + std::to_string(label_count) + " labels but " +
                    images_name + " has " + std::to_string(count) + " images");
  }
  // The payload checks bound every dimension by the data's size, so these conversions are exact.
  part.count = static_cast<std::int64_t>(count);
  part.rows = static_cast<std::int64_t>(rows);
  part.cols = static_cast<std::int64_t>(cols);
  return part;
}

bool mentions_fashion(const std::string& text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("fashion") != std::string::npos;
}

// The classes the labels form: 0..C-1 with every one present, and at most `declared` of them.
// Refuses the first label outside, naming its file, index and value.
int class_count(const std::vector<IdxPart>& parts, int declared) {
  std::array<std::int64_t, kLabelValues> seen{};
  for (const IdxPart& part : parts) {
    for (std::uint8_t label : part.label_bytes) ++seen[label];
  }
  int contiguous = 0;
  while (contiguous < kLabelValues && seen[static_cast<std::size_t>(contiguous)] > 0) ++contiguous;
  const int classes = std::min(contiguous, declared);
  for (const IdxPart& part : parts) {
    const auto& labels = part.label_bytes;
    const auto outside = std::find_if(labels.begin(), labels.end(),
                                      [&](std::uint8_t label) { return label >= classes; });
    if (outside == labels.end()) continue;
    const int value = *outside;
    const std::string where = part.labels.name() + ": label " + std::to_string(value) +
                              " at index " + std::to_string(outside - labels.begin());
    if (value >= declared) {
      throw DataError(where + " is outside the " + std::to_string(declared) +
                      " classes 0.." + std::to_string(declared - 1) + " of a Fashion-MNIST folder");
    }
    throw DataError(where + " is outside the classes " +
                    (classes > 0 ? "0.." + std::to_string(classes - 1) : std::string("0..C-1")) +
                    " (labels must be the classes 0..C-1, each present; no sample has label " +
                    std::to_string(contiguous) + ")");
  }
  return classes;
}

// Refuses, before any payload is read, a set whose kept part and labels cannot fit in memory.
void require_memory_for(const std::vector<IdxPart>& parts, const std::string& name,
                        std::int64_t total, std::int64_t kept) {
  const std::int64_t d = parts.front().dimension();
  // Every label as a byte and as an int64 (the subset is chosen from all of them), the kept
  // images as floats with their split copies, and the staging buffer.
  const auto label_bytes = static_cast<std::uint64_t>(total) * (1 + sizeof(std::int64_t));
  const std::uint64_t needed =
      label_bytes + estimate_dataset_bytes(kept, d) + static_cast<std::uint64_t>(kStagingBytes);
  const MemoryBudget budget = available_memory();
  if (needed <= budget.bytes) return;
  const std::uint64_t per_sample = estimate_dataset_bytes(1, d);
  const std::uint64_t room = budget.bytes > label_bytes ? budget.bytes - label_bytes : 0;
  const std::uint64_t fits = room / per_sample;
  const IdxPart& first = parts.front();
  throw DataError(name + ": " + std::to_string(kept) + " images of " + std::to_string(first.rows) +
                  "x" + std::to_string(first.cols) + " (of " + std::to_string(total) +
                  ") need about " + memory_text(needed) + " of memory but " +
                  memory_text(budget.bytes) + " is available (" + budget.source + "); " +
                  (fits >= 2 ? "set " + setting_reference("data.max_samples") + " to at most " +
                                   std::to_string(fits)
                             : "even the labels do not fit"));
}

// Reads the labels of every part, chooses the rows to keep, then reads only those images, into one
// tensor pair (a 70000-image set is not copied again by a concatenation).
Dataset assemble(std::vector<IdxPart>& parts, const std::string& name, bool fashion,
                 const IdxSubset& subset) {
  const IdxPart& first = parts.front();
  std::int64_t total = 0;
  for (const IdxPart& part : parts) {
    if (part.rows != first.rows || part.cols != first.cols) {
      throw DataError(part.images.name() + ": images are " + std::to_string(part.rows) + "x" +
                      std::to_string(part.cols) + " but " + first.images.name() + " has " +
                      std::to_string(first.rows) + "x" + std::to_string(first.cols));
    }
    total += part.count;
  }
  const bool subsetting = subset.max_samples > 0 && subset.max_samples < total;
  require_memory_for(parts, name, total, subsetting ? subset.max_samples : total);

  for (IdxPart& part : parts) part.read_labels();
  const int num_classes = class_count(parts, fashion ? static_cast<int>(kFashionNames.size())
                                                     : kLabelValues);
  auto all_labels = torch::empty({total}, torch::kInt64);
  std::int64_t offset = 0;
  for (IdxPart& part : parts) {
    all_labels.narrow(0, offset, part.count)
        .copy_(torch::from_blob(part.label_bytes.data(), {part.count}, torch::kUInt8));
    offset += part.count;
    part.label_bytes = {};
  }

  std::vector<std::int64_t> chosen;
  if (subsetting) {
    chosen = stratified_subset_indices(all_labels, num_classes, subset.max_samples, subset.seed);
  }
  const auto kept = subsetting ? static_cast<std::int64_t>(chosen.size()) : total;
  Dataset dataset;
  dataset.features = torch::empty({kept, first.dimension()}, torch::kFloat32);
  std::int64_t part_begin = 0;
  std::int64_t written = 0;
  auto next = chosen.begin();
  for (IdxPart& part : parts) {
    if (!subsetting) {
      part.read_images(nullptr, dataset.features, written);
      written += part.count;
    } else {
      std::vector<std::int64_t> local;
      for (; next != chosen.end() && *next < part_begin + part.count; ++next) {
        local.push_back(*next - part_begin);
      }
      part.read_images(&local, dataset.features, written);
      written += static_cast<std::int64_t>(local.size());
    }
    part_begin += part.count;
  }
  dataset.features.div_(255.0f);
  dataset.labels = subsetting ? all_labels.index_select(0, torch::tensor(chosen, torch::kInt64))
                              : all_labels;
  dataset.num_classes = num_classes;
  dataset.name = name;
  if (fashion && num_classes == static_cast<int>(kFashionNames.size())) {
    dataset.class_names.assign(kFashionNames.begin(), kFashionNames.end());
  } else {
    for (int label = 0; label < num_classes; ++label) {
      dataset.class_names.push_back(std::to_string(label));
    }
  }
  validate_dataset(dataset, first.images.name());
  logger()->debug("{}: kept {} of {} images", name, kept, total);
  return dataset;
}

ByteStream open_stream(const std::string& path, const char* expected) {
  try {
    return ByteStream(InputFile(path, expected));
  } catch (const InputFileError& e) {
    throw DataError(e.what());
  }
}

// The first entry among the usual spellings: gzip as distributed, or already unpacked (with a
// dash, or with a dot as some mirrors write it). An entry that is not a readable file is still
// found, so that opening it says what is wrong with it.
std::optional<std::filesystem::path> find_idx_file(const std::filesystem::path& dir,
                                                   const std::string& prefix,
                                                   const std::string& suffix) {
  for (const std::string& name : {prefix + "-" + suffix, prefix + "-" + suffix + ".gz",
                                  prefix + "." + suffix, prefix + "." + suffix + ".gz"}) {
    const std::filesystem::path candidate = dir / name;
    try {
      if (path_entry_exists(candidate.string(), "an IDX file")) return candidate;
    } catch (const InputFileError& e) {
      throw DataError(e.what());
    }
  }
  return std::nullopt;
}

std::optional<IdxPart> open_split(const std::filesystem::path& dir, const std::string& split) {
  const auto images = find_idx_file(dir, split + "-images", "idx3-ubyte");
  const auto labels = find_idx_file(dir, split + "-labels", "idx1-ubyte");
  if (!images && !labels) return std::nullopt;
  if (!labels) {
    throw DataError(images->string() + ": found, but no matching " + split +
                    "-labels-idx1-ubyte[.gz] beside it");
  }
  if (!images) {
    throw DataError(labels->string() + ": found, but no matching " + split +
                    "-images-idx3-ubyte[.gz] beside it");
  }
  return open_part(open_stream(images->string(), "the IDX image file"),
                   open_stream(labels->string(), "the IDX label file"));
}

std::string folder_name(const std::filesystem::path& dir) {
  const std::filesystem::path normal = dir.lexically_normal();
  std::string name = normal.filename().string();
  if (name.empty()) name = normal.parent_path().filename().string();  // "dir/" has no filename
  return name.empty() ? normal.string() : name;
}

}  // namespace

Dataset parse_idx(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels,
                  const std::string& images_name, const std::string& labels_name,
                  const IdxSubset& subset) {
  std::vector<IdxPart> parts;
  parts.push_back(open_part(ByteStream(images, images_name), ByteStream(labels, labels_name)));
  return assemble(parts, "idx", mentions_fashion(images_name), subset);
}

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path,
                      const IdxSubset& subset) {
  std::vector<IdxPart> parts;
  parts.push_back(open_part(open_stream(images_path, "the IDX image file"),
                            open_stream(labels_path, "the IDX label file")));
  const std::filesystem::path folder = std::filesystem::path(images_path).parent_path();
  return assemble(parts, folder_name(folder.empty() ? "." : folder), mentions_fashion(images_path),
                  subset);
}

Dataset load_idx_folder(const std::string& dir, const IdxSubset& subset) {
  try {
    require_readable_folder(dir, "the IDX data folder");
  } catch (const InputFileError& e) {
    throw DataError(e.what());
  }
  std::vector<IdxPart> parts;
  for (const char* split : {"train", "t10k"}) {
    if (auto part = open_split(dir, split)) parts.push_back(std::move(*part));
  }
  if (parts.empty()) {
    throw DataError(dir +
                    ": no IDX data found (expected train-images-idx3-ubyte[.gz] and "
                    "train-labels-idx1-ubyte[.gz])");
  }
  return assemble(parts, folder_name(dir), mentions_fashion(dir), subset);
}

}  // namespace moelab
