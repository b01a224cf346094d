#include "data/idx_loader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "data/dataset_loader.h"
#include "data/gzip_reader.h"

namespace moelab {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr std::size_t kImagesHeader = 16;
constexpr std::size_t kLabelsHeader = 8;
// Labels are bytes, so at most 256 classes; this guards the class-name list against other label
// encodings should they ever be accepted.
constexpr int kMaxClasses = 1000;

constexpr std::array<const char*, 10> kFashionNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

std::uint32_t read_big_endian(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
         (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

std::string hex32(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof(text), "0x%08x", value);
  return text;
}

// One image file and its label file, decompressed and checked against each other, not yet
// converted to tensors.
struct IdxPart {
  std::vector<std::uint8_t> images;  // whole file, header included
  std::vector<std::uint8_t> labels;
  std::int64_t count = 0;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::string images_name;
  std::string labels_name;

  std::span<const std::uint8_t> pixels() const {
    return std::span<const std::uint8_t>(images).subspan(kImagesHeader);
  }
  std::span<const std::uint8_t> label_bytes() const {
    return std::span<const std::uint8_t>(labels).subspan(kLabelsHeader);
  }
};

void check_magic(std::span<const std::uint8_t> bytes, std::uint32_t expected, std::size_t header,
                 const std::string& name, const char* kind) {
  if (bytes.empty()) throw DataError(name + ": file is empty");
  if (bytes.size() < 4) {
    throw DataError(name + ": too short to be an IDX " + kind + " file (" +
                    std::to_string(bytes.size()) + " bytes)");
  }
  const std::uint32_t magic = read_big_endian(bytes, 0);
  if (magic != expected) {
    throw DataError(name + ": not an IDX " + kind + " file (magic number " + hex32(magic) +
                    ", expected " + hex32(expected) + ")");
  }
  if (bytes.size() < header) {
    throw DataError(name + ": truncated IDX header (" + std::to_string(bytes.size()) +
                    " bytes, the header alone is " + std::to_string(header) + ")");
  }
}

// Compares the payload with what the header announces without ever forming a product that could
// overflow, so absurd dimensions fail here, before any allocation. `item_size` is never zero.
void check_payload(std::size_t payload, std::uint64_t count, std::uint64_t item_size,
                   const std::string& name, const char* items) {
  if (payload % item_size == 0 && payload / item_size == count) return;
  const bool truncated = count > payload / item_size;
  const std::string item_text =
      item_size > 1 ? std::string(items) + " of " + std::to_string(item_size) + " bytes"
                    : std::string(items);
  throw DataError(name + ": " + (truncated ? "truncated" : "has extra bytes") +
                  ": the header announces " + std::to_string(count) + " " + item_text + " but " +
                  std::to_string(payload) + " bytes follow it");
}

IdxPart parse_part(std::span<const std::uint8_t> images_raw,
                   std::span<const std::uint8_t> labels_raw, const std::string& images_name,
                   const std::string& labels_name) {
  IdxPart part;
  part.images_name = images_name;
  part.labels_name = labels_name;
  part.images = gunzip_if_compressed(images_raw, images_name);
  part.labels = gunzip_if_compressed(labels_raw, labels_name);

  check_magic(part.images, kImagesMagic, kImagesHeader, images_name, "image");
  const std::uint64_t count = read_big_endian(part.images, 4);
  const std::uint64_t rows = read_big_endian(part.images, 8);
  const std::uint64_t cols = read_big_endian(part.images, 12);
  if (count == 0) throw DataError(images_name + ": contains no images");
  if (rows == 0 || cols == 0) {
    throw DataError(images_name + ": image size " + std::to_string(rows) + "x" +
                    std::to_string(cols) + " is empty");
  }
  // Both factors are below 2^32, so their product fits in 64 bits.
  check_payload(part.images.size() - kImagesHeader, count, rows * cols, images_name, "images");

  check_magic(part.labels, kLabelsMagic, kLabelsHeader, labels_name, "label");
  const std::uint64_t label_count = read_big_endian(part.labels, 4);
  check_payload(part.labels.size() - kLabelsHeader, label_count, 1, labels_name, "labels");

  if (label_count != count) {
    throw DataError(labels_name + ": has " + std::to_string(label_count) + " labels but " +
                    images_name + " has " + std::to_string(count) + " images");
  }
  // The payload checks bound every dimension by the buffer size, so these conversions are exact.
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

// Builds one tensor pair for all parts at once, so a 70000-image set is not copied again by a
// concatenation.
Dataset assemble(const std::vector<IdxPart>& parts, const std::string& name, bool fashion) {
  const IdxPart& first = parts.front();
  std::int64_t total = 0;
  int max_label = 0;
  for (const IdxPart& part : parts) {
    if (part.rows != first.rows || part.cols != first.cols) {
      throw DataError(part.images_name + ": images are " + std::to_string(part.rows) + "x" +
                      std::to_string(part.cols) + " but " + first.images_name + " has " +
                      std::to_string(first.rows) + "x" + std::to_string(first.cols));
    }
    total += part.count;
    for (std::uint8_t label : part.label_bytes()) max_label = std::max<int>(max_label, label);
  }
  const int num_classes = max_label + 1;
  if (num_classes > kMaxClasses) {
    throw DataError(first.labels_name + ": label " + std::to_string(max_label) +
                    " implies more than " + std::to_string(kMaxClasses) + " classes");
  }

  const std::int64_t dimension = first.rows * first.cols;
  Dataset dataset;
  dataset.features = torch::empty({total, dimension}, torch::kFloat32);
  dataset.labels = torch::empty({total}, torch::kInt64);
  std::int64_t offset = 0;
  for (const IdxPart& part : parts) {
    // from_blob only views the bytes; copy_ converts them into the float slice.
    auto* pixel_data = const_cast<std::uint8_t*>(part.pixels().data());
    auto* label_data = const_cast<std::uint8_t*>(part.label_bytes().data());
    dataset.features.narrow(0, offset, part.count)
        .copy_(torch::from_blob(pixel_data, {part.count, dimension}, torch::kUInt8));
    dataset.labels.narrow(0, offset, part.count)
        .copy_(torch::from_blob(label_data, {part.count}, torch::kUInt8));
    offset += part.count;
  }
  dataset.features.div_(255.0f);
  dataset.num_classes = num_classes;
  dataset.name = name;
  if (fashion && num_classes == static_cast<int>(kFashionNames.size())) {
    dataset.class_names.assign(kFashionNames.begin(), kFashionNames.end());
  } else {
    for (int label = 0; label < num_classes; ++label) {
      dataset.class_names.push_back(std::to_string(label));
    }
  }
  validate_dataset(dataset, first.images_name);
  return dataset;
}

// The first existing file among the usual spellings: gzip as distributed, or already unpacked
// (with a dash, or with a dot as some mirrors write it).
std::optional<std::filesystem::path> find_idx_file(const std::filesystem::path& dir,
                                                   const std::string& prefix,
                                                   const std::string& suffix) {
  for (const std::string& name : {prefix + "-" + suffix, prefix + "-" + suffix + ".gz",
                                  prefix + "." + suffix, prefix + "." + suffix + ".gz"}) {
    std::error_code error;
    const std::filesystem::path candidate = dir / name;
    if (std::filesystem::is_regular_file(candidate, error)) return candidate;
  }
  return std::nullopt;
}

std::optional<IdxPart> load_split(const std::filesystem::path& dir, const std::string& split) {
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
  return parse_part(read_file_bytes(images->string()), read_file_bytes(labels->string()),
                    images->string(), labels->string());
}

std::string folder_name(const std::filesystem::path& dir) {
  const std::filesystem::path normal = dir.lexically_normal();
  std::string name = normal.filename().string();
  if (name.empty()) name = normal.parent_path().filename().string();  // "dir/" has no filename
  return name.empty() ? normal.string() : name;
}

}  // namespace

Dataset parse_idx(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels,
                  const std::string& images_name, const std::string& labels_name) {
  std::vector<IdxPart> parts;
  parts.push_back(parse_part(images, labels, images_name, labels_name));
  return assemble(parts, "idx", mentions_fashion(images_name));
}

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path) {
  std::vector<IdxPart> parts;
  parts.push_back(parse_part(read_file_bytes(images_path), read_file_bytes(labels_path),
                             images_path, labels_path));
  const std::filesystem::path folder = std::filesystem::path(images_path).parent_path();
  return assemble(parts, folder_name(folder.empty() ? "." : folder), mentions_fashion(images_path));
}

Dataset load_idx_folder(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    throw DataError(dir + ": no such folder");
  }
  std::vector<IdxPart> parts;
  for (const char* split : {"train", "t10k"}) {
    if (auto part = load_split(dir, split)) parts.push_back(std::move(*part));
  }
  if (parts.empty()) {
    throw DataError(dir +
                    ": no IDX data found (expected train-images-idx3-ubyte[.gz] and "
                    "train-labels-idx1-ubyte[.gz])");
  }
  return assemble(parts, folder_name(dir), mentions_fashion(dir));
}

}  // namespace moelab
