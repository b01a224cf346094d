#include "data/synthetic_generator.h"

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace moelab {
namespace {

constexpr int kMaxClusters = 1000;
constexpr int kMaxDimension = 100000;
// 2^28 float32 features = 1 GiB, the same ceiling the file loaders apply.
constexpr std::int64_t kMaxFeatures = std::int64_t{1} << 28;
// Keeps every generated value far inside float32 range, where training can still do arithmetic.
constexpr double kMaxScale = 1e9;

// std::normal_distribution differs between standard libraries; Box-Muller on the raw engine
// output keeps a seed's data identical wherever the lab is built.
class NormalSource {
 public:
  explicit NormalSource(std::uint64_t seed) : engine_(seed) {}

  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // 53 random bits; 1 - u lies in (0, 1], so the logarithm is finite.
    const double u1 = 1.0 - static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

[[noreturn]] void reject(const std::string& field, const std::string& rule) {
  throw std::invalid_argument("synthetic." + field + " " + rule);
}

}  // namespace

void validate_synthetic_options(const SyntheticDataOptions& options) {
  if (options.clusters < 2 || options.clusters > kMaxClusters) {
    reject("clusters", "must be between 2 and " + std::to_string(kMaxClusters) + ", got " +
                           std::to_string(options.clusters));
  }
  if (options.dimension < 1 || options.dimension > kMaxDimension) {
    reject("dimension", "must be between 1 and " + std::to_string(kMaxDimension) + ", got " +
                            std::to_string(options.dimension));
  }
  // Written as negated comparisons so that NaN fails them too.
  if (!(options.spread > 0.0 && options.spread <= kMaxScale)) {
    reject("spread", "must be above 0 and at most 1e9, got " + std::to_string(options.spread));
  }
  if (!(options.separation >= 0.0 && options.separation <= kMaxScale)) {
    reject("separation", "must be between 0 and 1e9, got " + std::to_string(options.separation));
  }
  if (!(std::abs(options.offset) <= kMaxScale)) {
    reject("offset", "must be between -1e9 and 1e9, got " + std::to_string(options.offset));
  }
  if (options.samples < 2 * options.clusters) {
    reject("samples", "must be at least 2 per cluster (" + std::to_string(2 * options.clusters) +
                          "), got " + std::to_string(options.samples));
  }
  if (std::int64_t{options.samples} * options.dimension > kMaxFeatures) {
    reject("samples", "times synthetic.dimension must not exceed " + std::to_string(kMaxFeatures) +
                          " values (1 GiB)");
  }
}

Dataset generate_synthetic(const SyntheticDataOptions& options, std::uint64_t seed) {
  validate_synthetic_options(options);
  const int clusters = options.clusters;
  const std::int64_t dimension = options.dimension;
  const std::int64_t samples = options.samples;

  NormalSource normal(seed);
  std::vector<double> centres(static_cast<std::size_t>(clusters * dimension));
  for (double& value : centres) value = options.separation * normal.next();

  Dataset dataset;
  dataset.features = torch::empty({samples, dimension}, torch::kFloat32);
  dataset.labels = torch::empty({samples}, torch::kInt64);
  float* features = dataset.features.data_ptr<float>();
  std::int64_t* labels = dataset.labels.data_ptr<std::int64_t>();
  for (std::int64_t sample = 0; sample < samples; ++sample) {
    // Round-robin over clusters: class sizes differ by at most one.
    const auto cluster = static_cast<int>(sample % clusters);
    labels[sample] = cluster;
    const double* centre = centres.data() + cluster * dimension;
    float* row = features + sample * dimension;
    for (std::int64_t d = 0; d < dimension; ++d) {
      row[d] = static_cast<float>(centre[d] + options.spread * normal.next() + options.offset);
    }
  }
  dataset.num_classes = clusters;
  dataset.name = "synthetic";
  for (int label = 0; label < clusters; ++label) {
    dataset.class_names.push_back(std::to_string(label));
  }
  return dataset;
}

}  // namespace moelab
