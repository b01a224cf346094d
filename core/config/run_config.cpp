#include "config/run_config.h"

#include <stdexcept>
#include <string>

namespace moelab {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

void validate(const RunConfig& c) {
  const auto& m = c.model;
  const auto& t = c.training;
  const auto& f = c.fixes;
  const auto& s = c.data.synthetic;
  require(c.data.validation_fraction > 0 && c.data.validation_fraction < 1,
          "data.validation_fraction must be between 0 and 1 (exclusive)");
  require(c.data.test_fraction > 0 && c.data.test_fraction < 1,
          "data.test_fraction must be between 0 and 1 (exclusive)");
  require(c.data.validation_fraction + c.data.test_fraction < 1,
          "data.validation_fraction + data.test_fraction must be below 1 (something must train)");
  require(c.data.max_samples >= 0, "data.max_samples must be 0 (all) or positive");
  require(c.data.kind != DatasetKind::Idx || !c.data.idx_dir.empty(),
          "data.idx_dir must name a folder for an IDX data set");
  require(s.clusters >= 2 && s.clusters <= 1000, "data.synthetic.clusters must be 2..1000");
  require(s.dimension >= 1 && s.dimension <= 100000, "data.synthetic.dimension must be 1..100000");
  require(s.spread > 0, "data.synthetic.spread must be positive");
  require(s.samples >= 2 * s.clusters && s.samples <= 10000000,
          "data.synthetic.samples must be at least twice the clusters (and at most 10 million)");
  require(m.hidden >= 1 && m.hidden <= 8192, "model.hidden must be 1..8192");
  require(m.expert_hidden >= 1 && m.expert_hidden <= 8192, "model.expert_hidden must be 1..8192");
  require(m.initial_experts >= 1, "model.initial_experts must be at least 1");
  require(m.max_experts >= m.initial_experts && m.max_experts <= 256,
          "model.max_experts must be between model.initial_experts and 256");
  require(m.top_k >= 1 && m.top_k <= m.max_experts, "model.top_k must be 1..model.max_experts");
  require(f.cooldown_epochs >= 0 && f.cooldown_epochs <= 10000, "fixes.cooldown_epochs must be 0..10000");
  require(f.entropy_weight >= 0 && f.entropy_weight <= 100, "fixes.entropy_weight must be 0..100");
  require(t.seed_epochs >= 0 && t.seed_epochs <= 100000, "training.seed_epochs must be 0..100000");
  require(t.growth_epochs >= 0 && t.growth_epochs <= 100000,
          "training.growth_epochs must be 0..100000");
  require(t.seed_epochs + t.growth_epochs >= 1, "at least one epoch must be trained");
  require(t.batch_size >= 1 && t.batch_size <= 1000000, "training.batch_size must be positive");
  require(t.final_lr_fraction > 0 && t.final_lr_fraction <= 1,
          "training.final_lr_fraction must be in (0, 1]");
  require(t.learning_rate > 0 && t.learning_rate <= 10, "training.learning_rate must be in (0, 10]");
  require(t.diversity_weight >= 0 && t.diversity_weight <= 100,
          "training.diversity_weight must be 0..100");
  require(t.probe_size >= 1 && t.probe_size <= 100000, "training.probe_size must be 1..100000");
  require(t.split_noise >= 0 && t.split_noise <= 10, "training.split_noise must be 0..10");
  require(t.plateau_min_delta >= 0 && t.plateau_min_delta < 1,
          "training.plateau_min_delta must be in [0, 1)");
  require(t.plateau_patience >= 1 && t.plateau_patience <= 10000,
          "training.plateau_patience must be 1..10000");
  require(t.split_release_steps >= 1 && t.split_release_steps <= 1000000,
          "training.split_release_steps must be 1..1000000");
  require(t.dormant_threshold >= 0 && t.dormant_threshold < 1,
          "training.dormant_threshold must be in [0, 1)");
  require(t.log_interval >= 1, "training.log_interval must be at least 1");
  require(t.threads >= 0 && t.threads <= 1024, "training.threads must be 0 (all) or positive");
  validate_schedule(c);
}

const char* to_string(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::Digits: return "digits";
    case DatasetKind::Synthetic: return "synthetic";
    case DatasetKind::Idx: return "idx";
  }
  return "digits";
}

namespace {

template <typename Enum>
const char* name_of(const std::vector<std::pair<const char*, Enum>>& names, Enum value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return names.front().first;
}

}  // namespace

const std::vector<std::pair<const char*, Dispatch>>& dispatch_names() {
  static const std::vector<std::pair<const char*, Dispatch>> names = {
      {"dense", Dispatch::Dense}, {"routed", Dispatch::Routed}, {"auto", Dispatch::Auto}};
  return names;
}

const std::vector<std::pair<const char*, SplitMode>>& split_mode_names() {
  static const std::vector<std::pair<const char*, SplitMode>> names = {
      {"seed", SplitMode::Seed}, {"preserving", SplitMode::Preserving}};
  return names;
}

const std::vector<std::pair<const char*, DiversityLoss>>& diversity_loss_names() {
  static const std::vector<std::pair<const char*, DiversityLoss>> names = {
      {"signed-cosine", DiversityLoss::SignedCosine},
      {"squared-cosine", DiversityLoss::SquaredCosine}};
  return names;
}

const char* to_string(Dispatch dispatch) { return name_of(dispatch_names(), dispatch); }
const char* to_string(SplitMode mode) { return name_of(split_mode_names(), mode); }
const char* to_string(DiversityLoss loss) { return name_of(diversity_loss_names(), loss); }

}  // namespace moelab
