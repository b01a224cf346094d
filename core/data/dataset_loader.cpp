#include "data/dataset_loader.h"

#include <algorithm>
#include <stdexcept>

#include "config/setting_catalog.h"
#include "data/digits_loader.h"
#include "data/idx_loader.h"
#include "data/stratified_split.h"
#include "data/synthetic_generator.h"
#include "util/logging.h"
#include "util/memory_budget.h"

namespace moelab {
namespace {

void require_synthetic_memory(const SyntheticDataOptions& options) {
  const std::uint64_t needed = estimate_dataset_bytes(options.samples, options.dimension);
  const MemoryBudget budget = available_memory();
  if (needed <= budget.bytes) return;
  throw DataError("synthetic: " + std::to_string(options.samples) + " samples x " +
                  std::to_string(options.dimension) + " features need about " +
                  memory_text(needed) + " of memory but " + memory_text(budget.bytes) +
                  " is available (" + budget.source +
                  "); lower " + setting_reference("data.synthetic.samples") + " or " +
                  setting_reference("data.synthetic.dimension"));
}

// An IDX set is subsetted as it is read, so that only the kept images are ever in memory; the
// others are subsetted once loaded.
Dataset load_all(const DataConfig& config, std::uint64_t seed) {
  switch (config.kind) {
    case DatasetKind::Digits:
      return load_embedded_digits();
    case DatasetKind::Synthetic:
      require_synthetic_memory(config.synthetic);
      return generate_synthetic(config.synthetic, seed);
    case DatasetKind::Idx:
      if (config.idx_dir.empty()) {
        throw std::invalid_argument("data.idx_dir must name a folder for an IDX data set");
      }
      return load_idx_folder(config.idx_dir, {config.max_samples, seed});
  }
  throw std::invalid_argument("data.kind has an unknown value " +
                              std::to_string(static_cast<int>(config.kind)));
}

}  // namespace

std::uint64_t estimate_dataset_bytes(std::int64_t samples, std::int64_t dimension) {
  const auto rows = static_cast<std::uint64_t>(std::max<std::int64_t>(samples, 0));
  const auto columns = static_cast<std::uint64_t>(std::max<std::int64_t>(dimension, 0));
  return 2 * rows * (sizeof(float) * columns + sizeof(std::int64_t));
}

void validate_dataset(const Dataset& dataset, const std::string& source) {
  const auto fail = [&](const std::string& problem) { throw DataError(source + ": " + problem); };
  if (!dataset.features.defined() || !dataset.labels.defined()) fail("no data loaded");
  if (dataset.features.dim() != 2 || dataset.features.scalar_type() != torch::kFloat32) {
    fail("features must be a float32 matrix");
  }
  if (dataset.labels.dim() != 1 || dataset.labels.scalar_type() != torch::kInt64) {
    fail("labels must be an int64 vector");
  }
  if (dataset.features.size(0) != dataset.labels.size(0)) {
    fail(std::to_string(dataset.features.size(0)) + " feature rows but " +
         std::to_string(dataset.labels.size(0)) + " labels");
  }
  if (dataset.size() == 0) fail("contains no samples");
  if (dataset.dimension() == 0) fail("samples have no features");
  if (dataset.num_classes < 2) {
    fail("needs at least 2 classes, has " + std::to_string(dataset.num_classes));
  }
  if (static_cast<int>(dataset.class_names.size()) != dataset.num_classes) {
    fail(std::to_string(dataset.class_names.size()) + " class names for " +
         std::to_string(dataset.num_classes) + " classes");
  }
  if (!torch::isfinite(dataset.features).all().item<bool>()) {
    fail("features contain NaN or infinite values");
  }
  const std::int64_t low = dataset.labels.min().item<std::int64_t>();
  const std::int64_t high = dataset.labels.max().item<std::int64_t>();
  if (low < 0 || high >= dataset.num_classes) {
    fail("labels range over " + std::to_string(low) + ".." + std::to_string(high) +
         ", outside 0.." + std::to_string(dataset.num_classes - 1));
  }
  if (low == high) fail("every sample has the same label " + std::to_string(low));
}

DatasetSplit load_dataset(const DataConfig& config, std::uint64_t seed) {
  if (config.max_samples < 0) {
    throw std::invalid_argument("data.max_samples must be 0 (all) or positive, got " +
                                std::to_string(config.max_samples));
  }
  Dataset all = load_all(config, seed);
  validate_dataset(all, all.name);
  const std::int64_t loaded = all.size();
  if (config.max_samples > 0 && config.max_samples < loaded) {
    all = stratified_subset(all, config.max_samples, seed);
  }
  DatasetSplit split =
      stratified_split(all, config.validation_fraction, config.test_fraction, seed);
  if (split.train.size() == 0 || split.validation.size() == 0 || split.test.size() == 0) {
    throw DataError(all.name + ": " + std::to_string(all.size()) +
                    " samples are too few for a training, a validation and a test set");
  }
  logger()->info(
      "Data set {}: {} samples ({} loaded) x {} features, {} classes; {} train, {} "
      "validation, {} test",
      all.name, all.size(), loaded, all.dimension(), all.num_classes, split.train.size(),
      split.validation.size(), split.test.size());
  return split;
}

}  // namespace moelab
