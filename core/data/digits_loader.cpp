#include "data/digits_loader.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "data/dataset_loader.h"
#include "data/embedded_digits.h"
#include "data/gzip_reader.h"

namespace moelab {
namespace {

constexpr int kColumns = kDigitsPixels + 1;

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::string quoted(std::string_view field) {
  // Keep messages one line and short even when the "field" is a megabyte of binary junk.
  constexpr std::size_t kShown = 20;
  std::string shown;
  for (char c : field.substr(0, kShown)) {
    shown +=
        (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? '?' : c;
  }
  if (field.size() > kShown) shown += "...";
  return "\"" + shown + "\"";
}

class RowParser {
 public:
  RowParser(const std::string& source_name, std::size_t line_number)
      : source_name_(source_name), line_number_(line_number) {}

  // Parses as a double first so that "nan", "inf" and "3.5" get their own precise complaint
  // instead of a generic "not a number".
  int integer_in_range(std::string_view raw, int column, int max_value, const char* what) const {
    const std::string_view field = trim(raw);
    if (field.empty()) fail(column, std::string("empty ") + what);
    double value = 0.0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size()) {
      fail(column, std::string(what) + " " + quoted(field) + " is not a number");
    }
    if (std::isnan(value)) fail(column, std::string(what) + " is NaN");
    if (!std::isfinite(value)) fail(column, std::string(what) + " is infinite");
    if (value != std::floor(value)) {
      fail(column, std::string(what) + " " + quoted(field) + " is not a whole number");
    }
    if (value < 0.0 || value > max_value) {
      fail(column,
           std::string(what) + " " + quoted(field) + " is outside 0.." + std::to_string(max_value));
    }
    return static_cast<int>(value);
  }

  [[noreturn]] void fail(int column, const std::string& problem) const {
    throw DataError(source_name_ + ": line " + std::to_string(line_number_) + ", column " +
                    std::to_string(column) + ": " + problem);
  }

 private:
  const std::string& source_name_;
  std::size_t line_number_;
};

}  // namespace

Dataset load_digits_csv(std::span<const std::uint8_t> csv_or_gz, const std::string& source_name) {
  const std::vector<std::uint8_t> bytes = gunzip_if_compressed(csv_or_gz, source_name);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());

  std::vector<float> pixels;
  std::vector<std::int64_t> labels;
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    auto line_end = text.find('\n', position);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(position, line_end - position);
    position = line_end + 1;
    ++line_number;
    // Blank lines (a trailing newline, an editor's extra line) carry no sample.
    if (trim(line).empty()) continue;

    RowParser parser(source_name, line_number);
    std::string_view fields[kColumns];
    int count = 0;
    std::size_t field_start = 0;
    for (;;) {
      const auto comma = line.find(',', field_start);
      const auto field_end = comma == std::string_view::npos ? line.size() : comma;
      if (count < kColumns) fields[count] = line.substr(field_start, field_end - field_start);
      ++count;
      if (comma == std::string_view::npos) break;
      field_start = comma + 1;
    }
    if (count != kColumns) {
      throw DataError(source_name + ": line " + std::to_string(line_number) + " has " +
                      std::to_string(count) + (count == 1 ? " column" : " columns") +
                      ", expected " + std::to_string(kColumns) + " (64 pixels and a label)");
    }
    for (int column = 0; column < kDigitsPixels; ++column) {
      const int pixel =
          parser.integer_in_range(fields[column], column + 1, kDigitsMaxPixel, "pixel");
      pixels.push_back(static_cast<float>(pixel) / static_cast<float>(kDigitsMaxPixel));
    }
    labels.push_back(
        parser.integer_in_range(fields[kDigitsPixels], kColumns, kDigitsClasses - 1, "label"));
  }
  if (labels.empty()) throw DataError(source_name + ": contains no data rows");

  const auto rows = static_cast<std::int64_t>(labels.size());
  Dataset dataset;
  dataset.features =
      torch::from_blob(pixels.data(), {rows, kDigitsPixels}, torch::kFloat32).clone();
  dataset.labels = torch::from_blob(labels.data(), {rows}, torch::kInt64).clone();
  dataset.num_classes = kDigitsClasses;
  dataset.name = "digits";
  for (int label = 0; label < kDigitsClasses; ++label) {
    dataset.class_names.push_back(std::to_string(label));
  }
  validate_dataset(dataset, source_name);
  return dataset;
}

Dataset load_embedded_digits() {
  return load_digits_csv(embedded_digits_csv_gz(), "embedded digits.csv.gz");
}

Dataset load_digits_file(const std::string& path) {
  return load_digits_csv(read_file_bytes(path), path);
}

}  // namespace moelab
