#include "config/config_json.h"

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "io/input_file.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

Json to_json_object(const RunConfig& c) {
  const auto& s = c.data.synthetic;
  const auto& m = c.model;
  const auto& f = c.fixes;
  const auto& t = c.training;
  return Json{
      {"data",
       {{"kind", to_string(c.data.kind)},
        {"idx_dir", c.data.idx_dir},
        {"validation_fraction", c.data.validation_fraction},
        {"test_fraction", c.data.test_fraction},
        {"max_samples", c.data.max_samples},
        {"synthetic",
         {{"clusters", s.clusters},
          {"dimension", s.dimension},
          {"spread", s.spread},
          {"separation", s.separation},
          {"offset", s.offset},
          {"samples", s.samples}}}}},
      {"model",
       {{"hidden", m.hidden},
        {"expert_hidden", m.expert_hidden},
        {"initial_experts", m.initial_experts},
        {"top_k", m.top_k},
        {"max_experts", m.max_experts}}},
      {"fixes",
       {{"projection_fix", f.projection_fix},
        {"cooldown", f.cooldown},
        {"cooldown_epochs", f.cooldown_epochs},
        {"entropy_loss", f.entropy_loss},
        {"entropy_weight", f.entropy_weight}}},
      {"training",
       {{"seed", t.seed},
        {"seed_epochs", t.seed_epochs},
        {"growth_epochs", t.growth_epochs},
        {"batch_size", t.batch_size},
        {"learning_rate", t.learning_rate},
        {"final_lr_fraction", t.final_lr_fraction},
        {"diversity_weight", t.diversity_weight},
        {"probe_size", t.probe_size},
        {"split_noise", t.split_noise},
        {"plateau_min_delta", t.plateau_min_delta},
        {"plateau_patience", t.plateau_patience},
        {"split_mode", to_string(t.split_mode)},
        {"split_release_steps", t.split_release_steps},
        {"diversity_loss", to_string(t.diversity_loss)},
        {"dormant_threshold", t.dormant_threshold},
        {"log_interval", t.log_interval},
        {"threads", t.threads},
        {"dispatch", to_string(t.dispatch)}}}};
}

// Reads keys of one JSON object into fields, refusing unknown keys and wrong types.
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path, const std::string& source)
      : object_(object), path_(std::move(path)), source_(source) {
    if (!object_.is_object()) fail(path_.empty() ? "the top level" : path_, "must be an object");
    // Every key is unknown until read() or child() claims it.
    for (const auto& item : object_.items()) unknown_.insert(item.key());
  }

  template <typename T>
  void read(const char* key, T& field) {
    unknown_.erase(key);
    const auto found = object_.find(key);
    if (found == object_.end()) return;
    try {
      if constexpr (std::is_same_v<T, bool>) {
        if (!found->is_boolean()) throw std::invalid_argument("must be true or false");
      } else if constexpr (std::is_integral_v<T>) {
        if (!found->is_number_integer()) throw std::invalid_argument("must be an integer");
        if constexpr (std::is_unsigned_v<T>) {
          if (found->template get<long long>() < 0) throw std::invalid_argument("must not be negative");
        }
      } else if constexpr (std::is_floating_point_v<T>) {
        if (!found->is_number()) throw std::invalid_argument("must be a number");
      } else {
        if (!found->is_string()) throw std::invalid_argument("must be a string");
      }
      field = found->template get<T>();
    } catch (const std::invalid_argument& e) {
      fail(qualified(key), e.what());
    } catch (const nlohmann::json::exception&) {
      fail(qualified(key), "is out of range");
    }
  }

  const Json& child(const char* key) {
    unknown_.erase(key);
    static const Json empty = Json::object();
    const auto found = object_.find(key);
    return found == object_.end() ? empty : *found;
  }

  std::string qualified(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  // Call after every read: whatever is left was not a known key.
  void finish() const {
    if (!unknown_.empty()) fail(qualified(*unknown_.begin()), "is not a known setting");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw ConfigError(source_ + ": " + key + " " + problem);
  }

 private:
  const Json& object_;
  std::string path_;
  const std::string& source_;
  std::set<std::string> unknown_;
};

template <typename Enum>
Enum parse_enum(const std::string& text, const std::vector<std::pair<const char*, Enum>>& names,
                const ObjectReader& reader, const char* key) {
  for (const auto& [name, value] : names) {
    if (text == name) return value;
  }
  std::string options;
  for (const auto& [name, value] : names) options += (options.empty() ? "" : ", ") + std::string(name);
  reader.fail(reader.qualified(key), "must be one of " + options + " (got '" + text + "')");
}

template <typename Enum>
void read_enum(ObjectReader& reader, const char* key,
               const std::vector<std::pair<const char*, Enum>>& names, Enum& field) {
  std::string text = to_string(field);
  reader.read(key, text);
  field = parse_enum<Enum>(text, names, reader, key);
}

void read_data(const Json& j, const std::string& source, DataConfig& d) {
  ObjectReader r(j, "data", source);
  std::string kind = to_string(d.kind);
  r.read("kind", kind);
  d.kind = parse_enum<DatasetKind>(
      kind, {{"digits", DatasetKind::Digits}, {"synthetic", DatasetKind::Synthetic},
             {"idx", DatasetKind::Idx}},
      r, "kind");
  r.read("idx_dir", d.idx_dir);
  r.read("validation_fraction", d.validation_fraction);
  r.read("test_fraction", d.test_fraction);
  r.read("max_samples", d.max_samples);
  ObjectReader s(r.child("synthetic"), "data.synthetic", source);
  s.read("clusters", d.synthetic.clusters);
  s.read("dimension", d.synthetic.dimension);
  s.read("spread", d.synthetic.spread);
  s.read("separation", d.synthetic.separation);
  s.read("offset", d.synthetic.offset);
  s.read("samples", d.synthetic.samples);
  s.finish();
  r.finish();
}

void read_model(const Json& j, const std::string& source, ModelConfig& m) {
  ObjectReader r(j, "model", source);
  r.read("hidden", m.hidden);
  r.read("expert_hidden", m.expert_hidden);
  r.read("initial_experts", m.initial_experts);
  r.read("top_k", m.top_k);
  r.read("max_experts", m.max_experts);
  r.finish();
}

void read_fixes(const Json& j, const std::string& source, FixSwitches& f) {
  ObjectReader r(j, "fixes", source);
  r.read("projection_fix", f.projection_fix);
  r.read("cooldown", f.cooldown);
  r.read("cooldown_epochs", f.cooldown_epochs);
  r.read("entropy_loss", f.entropy_loss);
  r.read("entropy_weight", f.entropy_weight);
  r.finish();
}

void read_training(const Json& j, const std::string& source, TrainingConfig& t) {
  ObjectReader r(j, "training", source);
  r.read("seed", t.seed);
  r.read("seed_epochs", t.seed_epochs);
  r.read("growth_epochs", t.growth_epochs);
  r.read("batch_size", t.batch_size);
  r.read("learning_rate", t.learning_rate);
  r.read("final_lr_fraction", t.final_lr_fraction);
  r.read("diversity_weight", t.diversity_weight);
  r.read("probe_size", t.probe_size);
  r.read("split_noise", t.split_noise);
  r.read("plateau_min_delta", t.plateau_min_delta);
  r.read("plateau_patience", t.plateau_patience);
  read_enum(r, "split_mode", split_mode_names(), t.split_mode);
  r.read("split_release_steps", t.split_release_steps);
  read_enum(r, "diversity_loss", diversity_loss_names(), t.diversity_loss);
  r.read("dormant_threshold", t.dormant_threshold);
  r.read("log_interval", t.log_interval);
  r.read("threads", t.threads);
  read_enum(r, "dispatch", dispatch_names(), t.dispatch);
  r.finish();
}

}  // namespace

std::string config_to_json(const RunConfig& config) { return to_json_object(config).dump(2) + "\n"; }

RunConfig config_from_json(const std::string& text, const std::string& source,
                           const RunConfig& base) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(source + ": not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  RunConfig config = base;
  ObjectReader top(j, "", source);
  read_data(top.child("data"), source, config.data);
  read_model(top.child("model"), source, config.model);
  read_fixes(top.child("fixes"), source, config.fixes);
  read_training(top.child("training"), source, config.training);
  top.finish();
  try {
    validate(config);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source + ": " + e.what());
  }
  return config;
}

RunConfig load_config_file(const std::string& path, const RunConfig& base) {
  constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = InputFile(path, "the experiment file").read_all(kMaxConfigBytes);
  } catch (const InputFileError& e) {
    throw ConfigError(e.what());
  }
  if (bytes.empty()) throw ConfigError(path + ": the file is empty (expected an experiment in JSON)");
  return config_from_json(std::string(bytes.begin(), bytes.end()), path, base);
}

}  // namespace moelab
