#include "io/checkpoint_file.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "config/config_json.h"
#include "io/history_json.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kFormat = "moelab-checkpoint";

std::string key(const char* prefix, std::size_t index, const char* suffix = "") {
  return std::string(prefix) + "_" + std::to_string(index) + suffix;
}

std::string bits(const std::vector<bool>& flags) {
  std::string out;
  for (const bool f : flags) out += f ? '1' : '0';
  return out;
}

std::vector<bool> flags_of(const std::string& text) {
  std::vector<bool> out;
  for (const char c : text) out.push_back(c == '1');
  return out;
}

Json fixes_json(const FixSwitches& fixes) {
  RunConfig config;
  config.fixes = fixes;
  return Json::parse(config_to_json(config))["fixes"];
}

Json state_json(const RunConfig& config, const TrainerState& s) {
  Json names = Json::array(), adam = Json::array(), releases = Json::array();
  for (const auto& [name, tensor] : s.parameters) names.push_back(name);
  for (const auto& [name, moments] : s.adam) adam.push_back({{"name", name}, {"step", moments.step}});
  for (const auto& r : s.releases) {
    releases.push_back({{"parent", r.parent}, {"child", r.child}, {"steps_left", r.steps_left}});
  }
  Json growth{{"stale_epochs", s.growth.stale_epochs},
              {"best_accuracy", exact_number(s.growth.best_accuracy)}};
  if (s.growth.last_change_epoch) growth["last_change_epoch"] = *s.growth.last_change_epoch;
  if (!s.growth.ring.empty()) {
    Json u = Json::array(), v = Json::array();
    for (const double x : s.growth.field_u) u.push_back(exact_number(x));
    for (const double x : s.growth.field_v) v.push_back(exact_number(x));
    growth["field"] = {{"u", u}, {"v", v}, {"ring", s.growth.ring}};
  }
  Json j{{"config", Json::parse(config_to_json(config))},
         {"completed_epochs", s.completed_epochs},
         {"step", s.step},
         {"parameters", names},
         {"adam", adam},
         {"growth", growth},
         {"releases", releases},
         {"fixes", fixes_json(s.fixes)},
         {"base_learning_rate", exact_number(s.base_learning_rate)},
         {"initial_cross_entropy", exact_number(s.initial_cross_entropy)},
         {"seed_test_correct", bits(s.seed_test_correct)},
         {"elapsed_seconds", exact_number(s.elapsed_seconds)},
         {"history", history_to_json(s.history)}};
  if (s.in_progress) {
    const auto& p = *s.in_progress;
    j["in_progress"] = {{"epoch", p.epoch},
                        {"position", p.position},
                        {"train_seconds", exact_number(p.train_seconds)},
                        {"step_window", accumulator_to_json(p.step_window)},
                        {"epoch_sums", accumulator_to_json(p.epoch_sums)}};
  }
  return j;
}

const Json& at(const Json& j, const char* name) {
  const auto found = j.find(name);
  if (found == j.end()) throw std::invalid_argument(std::string("the key ") + name + " is missing");
  return *found;
}

torch::Tensor read_tensor(torch::serialize::InputArchive& archive, const std::string& name) {
  torch::Tensor tensor;
  if (!archive.try_read(name, tensor, /*is_buffer=*/true)) throw std::invalid_argument("the tensor " + name + " is missing");
  return tensor;
}

TrainerState state_from(const Json& j, torch::serialize::InputArchive& archive,
                        const std::string& source) {
  TrainerState s;
  s.completed_epochs = at(j, "completed_epochs").get<int>();
  s.step = at(j, "step").get<std::int64_t>();
  const auto& names = at(j, "parameters");
  for (std::size_t i = 0; i < names.size(); ++i) {
    s.parameters.emplace_back(names[i].get<std::string>(), read_tensor(archive, key("param", i)));
  }
  const auto& adam = at(j, "adam");
  for (std::size_t i = 0; i < adam.size(); ++i) {
    AdamMoments m;
    m.step = at(adam[i], "step").get<std::int64_t>();
    m.exp_avg = read_tensor(archive, key("adam", i, "_exp_avg"));
    m.exp_avg_sq = read_tensor(archive, key("adam", i, "_exp_avg_sq"));
    s.adam.emplace_back(at(adam[i], "name").get<std::string>(), std::move(m));
  }
  s.generator_state = read_tensor(archive, "generator");
  // Checkpoints written before the bias balancer have none: their runs' bias was zero.
  if (!archive.try_read("selection_bias", s.selection_bias, /*is_buffer=*/true)) {
    s.selection_bias = torch::Tensor();
  }
  s.probe = read_tensor(archive, "probe");
  const auto& growth = at(j, "growth");
  s.growth.stale_epochs = at(growth, "stale_epochs").get<int>();
  s.growth.best_accuracy = exact_number_from(at(growth, "best_accuracy"));
  if (growth.contains("last_change_epoch")) s.growth.last_change_epoch = growth["last_change_epoch"].get<int>();
  if (growth.contains("field")) {
    const auto& field = growth["field"];
    for (const auto& x : at(field, "u")) s.growth.field_u.push_back(exact_number_from(x));
    for (const auto& x : at(field, "v")) s.growth.field_v.push_back(exact_number_from(x));
    s.growth.ring = at(field, "ring").get<std::vector<int>>();
    if (s.growth.field_u.size() != s.growth.ring.size() ||
        s.growth.field_v.size() != s.growth.ring.size()) {
      throw std::invalid_argument("the growth field's u, v and ring differ in length");
    }
  }
  for (const auto& r : at(j, "releases")) {
    s.releases.push_back({at(r, "parent").get<std::int64_t>(), at(r, "child").get<std::int64_t>(),
                          at(r, "steps_left").get<int>()});
  }
  RunConfig with_fixes;
  with_fixes = config_from_json(Json{{"fixes", at(j, "fixes")}}.dump(), source);
  s.fixes = with_fixes.fixes;
  s.base_learning_rate = exact_number_from(at(j, "base_learning_rate"));
  s.initial_cross_entropy = exact_number_from(at(j, "initial_cross_entropy"));
  s.seed_test_correct = flags_of(at(j, "seed_test_correct").get<std::string>());
  s.elapsed_seconds = exact_number_from(at(j, "elapsed_seconds"));
  s.history = history_from_json(at(j, "history"));
  if (j.contains("in_progress")) {
    const auto& p = j["in_progress"];
    EpochInProgress e;
    e.epoch = at(p, "epoch").get<int>();
    e.position = at(p, "position").get<std::int64_t>();
    e.train_seconds = exact_number_from(at(p, "train_seconds"));
    e.step_window = accumulator_from_json(at(p, "step_window"));
    e.epoch_sums = accumulator_from_json(at(p, "epoch_sums"));
    e.order = read_tensor(archive, "order");
    s.in_progress = std::move(e);
  }
  return s;
}

std::string section(const RunConfig& config, const char* name) {
  return Json::parse(config_to_json(config))[name].dump();
}

}  // namespace

std::string checkpoint_bytes(const RunConfig& config, const TrainerState& s) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kFormat)));
  archive.write("version", c10::IValue(static_cast<std::int64_t>(kCheckpointVersion)));
  archive.write("state", c10::IValue(state_json(config, s).dump()));
  for (std::size_t i = 0; i < s.parameters.size(); ++i) {
    archive.write(key("param", i), s.parameters[i].second, /*is_buffer=*/true);
  }
  for (std::size_t i = 0; i < s.adam.size(); ++i) {
    archive.write(key("adam", i, "_exp_avg"), s.adam[i].second.exp_avg, true);
    archive.write(key("adam", i, "_exp_avg_sq"), s.adam[i].second.exp_avg_sq, true);
  }
  archive.write("generator", s.generator_state, true);
  if (s.selection_bias.defined()) archive.write("selection_bias", s.selection_bias, true);
  archive.write("probe", s.probe, true);
  if (s.in_progress) archive.write("order", s.in_progress->order, true);
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

Checkpoint read_checkpoint(const std::string& path) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw CheckpointError(CheckpointError::Kind::Foreign,
                          path + ": not a checkpoint (not a LibTorch archive)");
  }
  c10::IValue format, version, state;
  if (!archive.try_read("format", format) || !format.isString() ||
      format.toStringRef() != kFormat) {
    throw CheckpointError(CheckpointError::Kind::Foreign,
                          path + ": not a moelab checkpoint (a LibTorch archive of something else)");
  }
  if (!archive.try_read("version", version) || !version.isInt()) {
    throw CheckpointError(CheckpointError::Kind::Version,
                          path + ": a moelab checkpoint without a format version");
  }
  if (version.toInt() != kCheckpointVersion) {
    throw CheckpointError(CheckpointError::Kind::Version, path + ": checkpoint format version " + std::to_string(version.toInt()) +
                          "; this program reads version " + std::to_string(kCheckpointVersion) +
                          " only");
  }
  try {
    if (!archive.try_read("state", state) || !state.isString()) {
      throw std::invalid_argument("the state is missing");
    }
    const auto j = Json::parse(state.toStringRef());
    Checkpoint c;
    c.config = config_from_json(at(j, "config").dump(), path + " (its settings)");
    c.state = state_from(j, archive, path);
    return c;
  } catch (const std::exception& e) {
    throw CheckpointError(CheckpointError::Kind::Damaged, path + ": a damaged checkpoint (" + e.what() + ")");
  }
}

std::string checkpoint_mismatch(const RunConfig& from, const RunConfig& to) {
  for (const char* name : {"data", "model"}) {
    if (section(from, name) != section(to, name)) {
      return std::string("its ") + name + " settings differ";
    }
  }
  const auto& a = from.training;
  const auto& b = to.training;
  if (a.seed != b.seed) return "its seed differs";
  if (a.batch_size != b.batch_size) return "its batch size differs";
  if (a.probe_size != b.probe_size) return "its probe size differs";
  if (a.seed_epochs != b.seed_epochs) return "its seed epochs differ";
  return {};
}

}  // namespace moelab
