#include "training/run_resources.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "config/setting_catalog.h"
#include "data/digits_loader.h"
#include "util/cpu_budget.h"


namespace moelab {

namespace {

constexpr std::uint64_t kFloat = sizeof(float);

std::uint64_t u(std::int64_t value) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(value, 0));
}

// Floats of every parameter at `experts` experts.
std::uint64_t parameter_floats(std::uint64_t d, std::uint64_t h, std::uint64_t f, std::uint64_t c,
                               std::uint64_t experts) {
  const std::uint64_t projection = d * h + h;
  const std::uint64_t router = experts * h + experts;
  const std::uint64_t expert = h * f + f + f * h + h;
  const std::uint64_t classifier = h * c + c;
  return projection + router + experts * expert + classifier;
}

// "a (--a), b (--b) or c (--c)"; anything that is not a setting's key is written as it is.
std::string settings_text(const std::vector<std::string>& keys) {
  std::string text;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) text += i + 1 == keys.size() ? " or " : ", ";
    text += find_setting(keys[i]) ? setting_reference(keys[i]) : keys[i];
  }
  return text;
}

}  // namespace

DataShape shape_of(const DatasetSplit& data) {
  return {data.train.size(), data.validation.size(), data.test.size(), data.train.dimension(),
          data.train.num_classes};
}

std::optional<DataShape> expected_shape(const DataConfig& data) {
  std::int64_t samples = 0, dimension = 0, classes = 0;
  switch (data.kind) {
    case DatasetKind::Digits:
      samples = kEmbeddedDigitsSamples, dimension = kDigitsPixels, classes = kDigitsClasses;
      break;
    case DatasetKind::Synthetic:
      samples = data.synthetic.samples, dimension = data.synthetic.dimension;
      classes = data.synthetic.clusters;
      break;
    case DatasetKind::Idx:
      return std::nullopt;
  }
  if (data.max_samples > 0) samples = std::min<std::int64_t>(samples, data.max_samples);
  const auto share = [&](double fraction) {
    return static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(samples)));
  };
  const std::int64_t validation = share(data.validation_fraction);
  const std::int64_t test = share(data.test_fraction);
  return DataShape{samples - validation - test, validation, test, dimension, classes};
}

std::uint64_t MemoryEstimate::total() const {
  return std::accumulate(parts.begin(), parts.end(), std::uint64_t{0},
                         [](std::uint64_t sum, const MemoryPart& p) { return sum + p.bytes; });
}

const MemoryPart& MemoryEstimate::largest() const {
  return *std::max_element(parts.begin(), parts.end(),
                           [](const MemoryPart& a, const MemoryPart& b) { return a.bytes < b.bytes; });
}

MemoryEstimate estimate_training_memory(const RunConfig& config, const DataShape& data) {
  const auto& m = config.model;
  const auto& t = config.training;
  const std::uint64_t d = u(data.dimension), c = u(data.classes);
  const std::uint64_t h = u(m.hidden), f = u(m.expert_hidden);
  const std::uint64_t e = u(std::max(m.max_experts, m.initial_experts));
  const std::uint64_t batch = std::min(u(t.batch_size), std::max<std::uint64_t>(u(data.train), 1));
  const std::uint64_t probe = std::min(u(t.probe_size), u(data.train));
  const std::uint64_t rows = probe + batch;
  const std::uint64_t eval_rows =
      std::min(u(kEvaluationChunk), std::max({u(data.validation), u(data.test), std::uint64_t{1}}));

  MemoryEstimate estimate;
  // Parameters, gradients and Adam's two moments; a split concatenates each expert tensor into a
  // new one while the old still lives, so the largest one counts once more.
  const std::uint64_t model_floats = 4 * parameter_floats(d, h, f, c, e) + e * h * f;
  estimate.parts.push_back(
      {"the model with its gradients and Adam moments at " + std::to_string(e) + " experts",
       kFloat * model_floats, {"model.expert_hidden", "model.max_experts", "model.hidden"}});
  // The fused step's buffers (training/fused_step.cpp, Workspace::make), kept between steps.
  const std::uint64_t step_floats = rows * d + 2 * rows * h + 2 * rows * e * f + 2 * batch * e * f +
                                    2 * h * e * f + 5 * batch * e + 2 * batch * h + 2 * batch * c +
                                    2 * e * probe * h + e * h + probe * d;
  estimate.parts.push_back({"the training step's buffers (batch " + std::to_string(batch) +
                                ", probe " + std::to_string(probe) + ")",
                            kFloat * step_floats,
                            {"training.batch_size", "training.probe_size", "model.expert_hidden"}});
  // Evaluation runs every expert on a chunk: inner activations (and their ReLU), outputs, routing.
  const std::uint64_t eval_floats = 2 * e * eval_rows * (f + h) + eval_rows * (h + 3 * e + c) +
                                    u(data.validation) * (e + c) +
                                    2 * e * u(kSimilarityRows) * (f + h);
  estimate.parts.push_back({"evaluation in chunks of " + std::to_string(eval_rows) + " samples",
                            kFloat * eval_floats, {"model.expert_hidden", "model.max_experts"}});
  return estimate;
}

MemoryEstimate for_runs_at_once(const MemoryEstimate& estimate, int runs) {
  MemoryEstimate all;
  const auto copies = static_cast<std::uint64_t>(std::max(runs, 1));
  for (const auto& part : estimate.parts) {
    auto lower = part.lower;
    lower.push_back("the runs at once (--jobs)");
    all.parts.push_back({std::to_string(copies) + " x " + part.name, copies * part.bytes, lower});
  }
  return all;
}

void require_memory(const MemoryEstimate& estimate, const MemoryBudget& budget,
                    const std::string& subject) {
  const std::uint64_t total = estimate.total();
  if (total <= budget.bytes) return;
  std::string parts;
  for (const auto& part : estimate.parts) {
    if (!parts.empty()) parts += ", ";
    parts += memory_text(part.bytes) + " for " + part.name;
  }
  throw ResourceError(subject + " needs about " + memory_text(total) + " of memory (" + parts +
                      ") but " + memory_text(budget.bytes) + " is available (" + budget.source +
                      "); lower " + settings_text(estimate.largest().lower));
}

int training_threads(const TrainingConfig& training, int usable_cpus) {
  if (training.threads == 0) return usable_cpus;
  if (training.threads > usable_cpus) {
    throw ResourceError(setting_reference("training.threads") + " is " +
                        std::to_string(training.threads) +
                        " but this process may use " + std::to_string(usable_cpus) +
                        (usable_cpus == 1 ? " CPU" : " CPUs") +
                        " (its affinity mask and cgroup CPU quota): use " +
                        (usable_cpus == 1 ? std::string("1") : "1 to " + std::to_string(usable_cpus)) +
                        ", or 0 for all of them");
  }
  return training.threads;
}

void require_resources_before_loading(const RunConfig& config) {
  training_threads(config.training, usable_cpu_count());
  if (const auto shape = expected_shape(config.data)) {
    require_memory(estimate_training_memory(config, *shape), available_memory(), "this run");
  }
}

}  // namespace moelab
