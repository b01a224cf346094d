#pragma once
// Data files made in memory for the data layer's suites (test_data, test_idx_data): IDX images and
// labels, gzip streams, the embedded digits as CSV, and small labelled sets.

#include <torch/torch.h>
#include <zlib.h>

#include <QByteArray>
#include <QFile>
#include <QString>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/embedded_digits.h"
#include "data/gzip_reader.h"

namespace data_test {

using namespace moelab;

inline const char* const kFashionDir = "/usr/share/datasets/fashion-mnist";

inline QByteArray big_endian(std::uint32_t value) {
  QByteArray bytes(4, '\0');
  bytes[0] = static_cast<char>(value >> 24);
  bytes[1] = static_cast<char>(value >> 16);
  bytes[2] = static_cast<char>(value >> 8);
  bytes[3] = static_cast<char>(value);
  return bytes;
}

inline QByteArray idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                      const QByteArray& pixels, std::uint32_t magic = 0x00000803) {
  return big_endian(magic) + big_endian(count) + big_endian(rows) + big_endian(cols) + pixels;
}

// `count` images of rows x cols whose pixels are (image * 7 + position) mod 256.
inline QByteArray idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  QByteArray pixels;
  for (std::uint32_t i = 0; i < count; ++i) {
    for (std::uint32_t p = 0; p < rows * cols; ++p)
      pixels.append(static_cast<char>((i * 7 + p) % 256));
  }
  return idx_images(count, rows, cols, pixels);
}

inline QByteArray idx_labels(const std::vector<int>& labels, std::uint32_t magic = 0x00000801) {
  QByteArray bytes = big_endian(magic) + big_endian(static_cast<std::uint32_t>(labels.size()));
  for (int label : labels) bytes.append(static_cast<char>(label));
  return bytes;
}

inline QByteArray gzip(const QByteArray& plain) {
  z_stream stream{};
  // 15 + 16: gzip framing rather than zlib's.
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  QByteArray out(static_cast<int>(deflateBound(&stream, plain.size()) + 64), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(static_cast<int>(stream.total_out));
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : QByteArray();
}

inline QByteArray embedded_gz() {
  const auto bytes = embedded_digits_csv_gz();
  return QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()));
}

inline QByteArray embedded_csv() {
  const auto plain = gunzip_if_compressed(embedded_digits_csv_gz(), "embedded");
  return QByteArray(reinterpret_cast<const char*>(plain.data()), static_cast<int>(plain.size()));
}

inline std::span<const std::uint8_t> as_span(const QByteArray& bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),
          static_cast<std::size_t>(bytes.size())};
}

// A CSV line of 64 pixels (all `pixel`) and `label`.
inline QByteArray csv_row(int pixel, int label) {
  QByteArray row;
  for (int i = 0; i < 64; ++i) row += QByteArray::number(pixel) + ',';
  return row + QByteArray::number(label) + '\n';
}

inline bool write_file(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return false;
  return file.write(bytes) == bytes.size();
}

inline std::vector<std::int64_t> to_vector(const torch::Tensor& tensor) {
  const torch::Tensor flat = tensor.to(torch::kInt64).contiguous();
  return {flat.data_ptr<std::int64_t>(), flat.data_ptr<std::int64_t>() + flat.numel()};
}

inline std::vector<std::int64_t> class_counts(const torch::Tensor& labels, int num_classes) {
  return to_vector(torch::bincount(labels, {}, num_classes));
}

inline Dataset small_labelled_set(const std::vector<std::int64_t>& labels, int num_classes) {
  Dataset dataset;
  const auto n = static_cast<std::int64_t>(labels.size());
  dataset.features = torch::arange(n, torch::kFloat32).unsqueeze(1);
  dataset.labels = torch::tensor(labels, torch::kInt64);
  dataset.num_classes = num_classes;
  dataset.name = "small";
  for (int c = 0; c < num_classes; ++c) dataset.class_names.push_back(std::to_string(c));
  return dataset;
}

}  // namespace data_test
