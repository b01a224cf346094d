#include "config/run_config.h"

#include "config/setting_catalog.h"

#include <stdexcept>
#include <string>

namespace moelab {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

void validate(const RunConfig& c) {
  for (const auto& s : setting_catalog()) {
    try {
      check_setting_value(s, s.get(c));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(s.key + ": " + e.what());
    }
  }
  const auto& m = c.model;
  require(c.data.validation_fraction + c.data.test_fraction < 1,
          "data.validation_fraction + data.test_fraction must be below 1 (something must train)");
  require(c.data.kind != DatasetKind::Idx || !c.data.idx_dir.empty(),
          "data.idx_dir must name a folder for an IDX data set");
  require(c.data.synthetic.samples >= 2 * c.data.synthetic.clusters,
          "data.synthetic.samples must be at least twice data.synthetic.clusters");
  require(m.max_experts >= m.initial_experts,
          "model.max_experts must be at least model.initial_experts");
  // While there are fewer experts than k, a sample goes to all of them (effective_top_k()).
  require(m.top_k <= m.max_experts, "model.top_k must be at most model.max_experts");
  require(c.training.seed_epochs + c.training.growth_epochs >= 1,
          "at least one epoch must be trained");
  require(!(c.training.prune_dormant && c.training.revive_dormant),
          "training.prune_dormant and training.revive_dormant cannot both be on (one removes the "
          "dormant expert the other would re-initialise)");
  // The field's settings are read only by growth by pattern; a heuristic run may carry any.
  if (c.training.growth == Growth::Schnakenberg) {
    const auto problem = field_growth_problem(c.training.field);
    require(problem.empty(), "training.field: " + problem);
  }
  validate_schedule(c);
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

const std::vector<std::pair<const char*, DatasetKind>>& dataset_kind_names() {
  static const std::vector<std::pair<const char*, DatasetKind>> names = {
      {"digits", DatasetKind::Digits}, {"synthetic", DatasetKind::Synthetic},
      {"idx", DatasetKind::Idx}};
  return names;
}

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

const std::vector<std::pair<const char*, Balancer>>& balancer_names() {
  static const std::vector<std::pair<const char*, Balancer>> names = {
      {"none", Balancer::None},
      {"entropy", Balancer::Entropy},
      {"switch", Balancer::Switch},
      {"bias", Balancer::Bias}};
  return names;
}

const std::vector<std::pair<const char*, Growth>>& growth_names() {
  static const std::vector<std::pair<const char*, Growth>> names = {
      {"heuristic", Growth::Heuristic}, {"schnakenberg", Growth::Schnakenberg}};
  return names;
}

const char* to_string(Growth growth) { return name_of(growth_names(), growth); }
const char* to_string(Balancer balancer) { return name_of(balancer_names(), balancer); }
const char* to_string(DatasetKind kind) { return name_of(dataset_kind_names(), kind); }
const char* to_string(Dispatch dispatch) { return name_of(dispatch_names(), dispatch); }
const char* to_string(SplitMode mode) { return name_of(split_mode_names(), mode); }
const char* to_string(DiversityLoss loss) { return name_of(diversity_loss_names(), loss); }

}  // namespace moelab
