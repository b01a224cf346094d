#include "ablation/comparison_file.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ablation/arm_json.h"
#include "config/config_json.h"
#include "training/loss_term_catalog.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

// Version 1 files from before the held-out test set lack the loss terms, the test accuracies, the
// router figures and the split effects: those keys are read when present (see optional_number).
constexpr int kFormatVersion = 1;
const char* kFormat = "moelab-comparison";

class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Non-finite numbers are not JSON: null.
Json finite_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json floats(const std::vector<float>& values) {
  Json a = Json::array();
  for (const float v : values) a.push_back(static_cast<double>(v));
  return a;
}

Json split_json(const SplitEvent& s) {
  return {{"epoch", s.epoch},
          {"step", s.step},
          {"parent", s.parent},
          {"child", s.child},
          {"val_accuracy_before", s.val_accuracy_before},
          {"val_accuracy_after", s.val_accuracy_after},
          {"changed_predictions", s.changed_predictions}};
}

// The loss terms keyed by their catalog names, so that a file stays readable when the catalog
// gains, loses or reorders a term.
Json loss_terms_json(const std::vector<double>& terms) {
  Json o = Json::object();
  const auto& catalog = loss_term_catalog();
  for (std::size_t i = 0; i < catalog.size() && i < terms.size(); ++i) o[catalog[i].name] = terms[i];
  return o;
}

Json report_json(const PhaseReport& r) {
  Json splits = Json::array(), criteria = Json::array();
  for (const auto& s : r.splits) splits.push_back(split_json(s));
  for (const auto& c : r.criteria) {
    // Infinity (fewer than two splits) is not JSON: null.
    Json criterion{{"name", c.name},
                   {"passed", c.passed},
                   {"value", finite_or_null(c.value)},
                   {"detail", c.detail}};
    if (c.ci95) criterion["ci95"] = Json::array({finite_or_null(c.ci95->first), finite_or_null(c.ci95->second)});
    if (c.p_value) criterion["p_value"] = finite_or_null(*c.p_value);
    criteria.push_back(criterion);
  }
  return {{"go", r.go},
          {"seed_val_accuracy", r.seed_val_accuracy},
          {"final_val_accuracy", r.final_val_accuracy},
          {"seed_test_accuracy", finite_or_null(r.seed_test_accuracy)},
          {"test_accuracy", finite_or_null(r.test_accuracy)},
          {"test_size", r.test_size},
          {"effective_experts", r.effective_experts},
          {"load_violation", r.load_violation},
          {"usage_entropy", r.usage_entropy},
          {"expert_similarity", r.expert_similarity},
          {"split_budget", r.split_budget},
          {"diverged", r.diverged},
          {"experts", r.experts},
          {"dormant", r.dormant},
          {"splits", splits},
          {"utilization", floats(r.utilization)},
          {"criteria", criteria},
          {"growth_epochs", r.growth_epochs},
          {"cooldown_window", r.cooldown_window},
          {"dormant_threshold", r.dormant_threshold}};
}

Json epoch_json(const EpochMetrics& m) {
  return {{"epoch", m.epoch},
          {"phase", m.phase == Phase::Seed ? "seed" : "growth"},
          {"step", m.step},
          {"loss_total", finite_or_null(m.loss_total)},
          {"loss_terms", loss_terms_json(m.loss_terms)},
          {"train_accuracy", m.train_accuracy},
          {"val_accuracy", m.val_accuracy},
          {"usage_entropy", m.usage_entropy},
          {"sample_entropy", m.sample_entropy},
          {"effective_experts", m.effective_experts},
          {"load_violation", m.load_violation},
          {"expert_similarity", finite_or_null(m.expert_similarity)},
          {"router_task_grad_norm", m.router_task_grad_norm},
          {"router_task_grad", floats(m.router_task_grad)},
          {"experts", m.experts},
          {"dormant", m.dormant},
          {"utilization", floats(m.utilization)}};
}

// --- reading: every accessor checks the type and names the key it refused ---

const Json& need(const Json& o, const char* key) {
  const auto found = o.find(key);
  if (found == o.end()) throw FileError(std::string("the key \"") + key + "\" is missing");
  return *found;
}

double number(const Json& o, const char* key) {
  const Json& v = need(o, key);
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number()) throw FileError(std::string("\"") + key + "\" must be a number");
  return v.get<double>();
}

int integer(const Json& o, const char* key) {
  const double v = number(o, key);
  if (!std::isfinite(v) || v < -2e9 || v > 2e9) throw FileError(std::string("\"") + key + "\" must be a whole number");
  return static_cast<int>(v);
}

// A key that older files do not have: `fallback` when absent, NaN when null.
double optional_number(const Json& o, const char* key, double fallback = 0.0) {
  const auto found = o.find(key);
  if (found == o.end()) return fallback;
  if (found->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!found->is_number()) throw FileError(std::string("\"") + key + "\" must be a number");
  return found->get<double>();
}

std::string optional_string(const Json& o, const char* key) {
  const auto found = o.find(key);
  if (found == o.end()) return {};
  if (!found->is_string()) throw FileError(std::string("\"") + key + "\" must be a string");
  return found->get<std::string>();
}

bool boolean(const Json& o, const char* key) {
  const Json& v = need(o, key);
  if (!v.is_boolean()) throw FileError(std::string("\"") + key + "\" must be true or false");
  return v.get<bool>();
}

const Json& array(const Json& o, const char* key) {
  const Json& v = need(o, key);
  if (!v.is_array()) throw FileError(std::string("\"") + key + "\" must be a list");
  return v;
}

const Json& object(const Json& v, const char* what) {
  if (!v.is_object()) throw FileError(std::string(what) + " must be an object");
  return v;
}

std::vector<int> int_list(const Json& o, const char* key) {
  std::vector<int> out;
  for (const auto& v : array(o, key)) out.push_back(v.is_number() ? static_cast<int>(v.get<double>()) : 0);
  return out;
}

std::vector<float> float_list(const Json& o, const char* key) {
  std::vector<float> out;
  for (const auto& v : array(o, key)) out.push_back(v.is_number() ? static_cast<float>(v.get<double>()) : 0.0f);
  return out;
}

std::vector<float> optional_float_list(const Json& o, const char* key) {
  return o.contains(key) ? float_list(o, key) : std::vector<float>{};
}

// The catalog's terms in its order; a term the file does not name is 0, one the catalog no longer
// has is dropped. Empty for files written before loss terms were kept.
std::vector<double> loss_terms_from(const Json& o) {
  const auto found = o.find("loss_terms");
  if (found == o.end()) return {};
  const Json& terms = object(*found, "\"loss_terms\"");
  std::vector<double> out;
  for (const auto& term : loss_term_catalog()) {
    const auto value = terms.find(term.name);
    out.push_back(value != terms.end() && value->is_number() ? value->get<double>() : 0.0);
  }
  return out;
}

SplitEvent split_from(const Json& v) {
  const Json& o = object(v, "a split");
  SplitEvent s;
  s.epoch = integer(o, "epoch");
  s.step = static_cast<std::int64_t>(number(o, "step"));
  s.parent = integer(o, "parent");
  s.child = integer(o, "child");
  s.val_accuracy_before = optional_number(o, "val_accuracy_before");
  s.val_accuracy_after = optional_number(o, "val_accuracy_after");
  s.changed_predictions = optional_number(o, "changed_predictions");
  return s;
}

Criterion criterion_from(const Json& v) {
  const Json& o = object(v, "a criterion");
  Criterion c;
  const Json& name = need(o, "name");
  c.name = name.is_string() ? name.get<std::string>() : std::string();
  c.passed = boolean(o, "passed");
  c.value = need(o, "value").is_null() ? std::numeric_limits<double>::infinity() : number(o, "value");
  const Json& detail = need(o, "detail");
  c.detail = detail.is_string() ? detail.get<std::string>() : std::string();
  if (o.contains("ci95")) {
    const Json& ci = array(o, "ci95");
    if (ci.size() != 2) throw FileError("\"ci95\" must be a pair of numbers");
    auto bound = [](const Json& b) {
      return b.is_number() ? b.get<double>() : std::numeric_limits<double>::quiet_NaN();
    };
    c.ci95 = std::make_pair(bound(ci[0]), bound(ci[1]));
  }
  if (o.contains("p_value")) c.p_value = optional_number(o, "p_value");
  return c;
}

PhaseReport report_from(const Json& o) {
  PhaseReport r;
  r.go = boolean(o, "go");
  r.seed_val_accuracy = number(o, "seed_val_accuracy");
  r.final_val_accuracy = number(o, "final_val_accuracy");
  r.seed_test_accuracy = optional_number(o, "seed_test_accuracy");
  r.test_accuracy = optional_number(o, "test_accuracy");
  r.test_size = static_cast<int>(optional_number(o, "test_size"));
  r.effective_experts = optional_number(o, "effective_experts");
  r.load_violation = optional_number(o, "load_violation");
  r.usage_entropy = optional_number(o, "usage_entropy");
  r.expert_similarity = optional_number(o, "expert_similarity");
  r.split_budget = static_cast<int>(optional_number(o, "split_budget"));
  r.diverged = optional_string(o, "diverged");
  r.experts = integer(o, "experts");
  r.dormant = int_list(o, "dormant");
  for (const auto& s : array(o, "splits")) r.splits.push_back(split_from(s));
  r.utilization = float_list(o, "utilization");
  for (const auto& c : array(o, "criteria")) r.criteria.push_back(criterion_from(c));
  r.growth_epochs = integer(o, "growth_epochs");
  r.cooldown_window = integer(o, "cooldown_window");
  r.dormant_threshold = number(o, "dormant_threshold");
  return r;
}

EpochMetrics epoch_from(const Json& v) {
  const Json& o = object(v, "an epoch");
  EpochMetrics m;
  m.epoch = integer(o, "epoch");
  const Json& phase = need(o, "phase");
  m.phase = phase.is_string() && phase.get<std::string>() == "seed" ? Phase::Seed : Phase::Growth;
  m.step = static_cast<std::int64_t>(number(o, "step"));
  m.loss_total = optional_number(o, "loss_total");
  m.loss_terms = loss_terms_from(o);
  m.train_accuracy = number(o, "train_accuracy");
  m.val_accuracy = number(o, "val_accuracy");
  m.usage_entropy = number(o, "usage_entropy");
  m.sample_entropy = number(o, "sample_entropy");
  m.effective_experts = optional_number(o, "effective_experts");
  m.load_violation = optional_number(o, "load_violation");
  m.expert_similarity = number(o, "expert_similarity");
  m.router_task_grad_norm = optional_number(o, "router_task_grad_norm");
  m.router_task_grad = optional_float_list(o, "router_task_grad");
  m.experts = integer(o, "experts");
  m.dormant = int_list(o, "dormant");
  m.utilization = float_list(o, "utilization");
  return m;
}

Comparison read_comparison(const std::string& bytes) {
  Json root;
  try {
    root = Json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw FileError("it is not JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!root.is_object()) throw FileError("it is not a JSON object");
  const auto format = root.find("format");
  if (format == root.end() || !format->is_string() || format->get<std::string>() != kFormat) {
    throw FileError("it is not a comparison file (no \"format\": \"moelab-comparison\")");
  }
  if (integer(root, "version") > kFormatVersion) {
    throw FileError("it was written by a newer version of the lab");
  }
  Comparison c;
  try {
    c.base = config_from_json(object(need(root, "base"), "\"base\"").dump(),
                              "the comparison's base experiment");
  } catch (const ConfigError& e) {
    throw FileError(e.what());
  }
  try {
    c.arms = arms_from_json(array(root, "arms"), c.base.fixes);
  } catch (const std::invalid_argument& e) {
    throw FileError(e.what());
  }
  for (const auto& s : array(root, "seeds")) {
    if (!s.is_number() || s.get<double>() < 0) throw FileError("every seed must be a whole number");
    c.seeds.push_back(static_cast<std::uint64_t>(s.get<double>()));
  }
  for (const auto& v : array(root, "runs")) {
    const Json& o = object(v, "a run");
    ArmSeedResult r;
    const int arm = integer(o, "arm");
    if (arm < 0 || arm >= static_cast<int>(c.arms.size())) {
      throw FileError("a run names arm " + std::to_string(arm) + ", which the file does not have");
    }
    r.arm = static_cast<std::size_t>(arm);
    const double seed = number(o, "seed");
    if (!(seed >= 0)) throw FileError("a run's seed must be a whole number");
    r.seed = static_cast<std::uint64_t>(seed);
    r.result.config = arm_config(c.base, c.arms[r.arm]);
    r.result.config.training.seed = r.seed;
    r.result.final_fixes = r.result.config.fixes;
    r.result.seed_val_accuracy = number(o, "seed_val_accuracy");
    r.result.seed_test_accuracy = optional_number(o, "seed_test_accuracy");
    r.result.test_accuracy = optional_number(o, "test_accuracy");
    r.result.diverged = optional_string(o, "diverged");
    r.result.wall_seconds = number(o, "wall_seconds");
    for (const auto& e : array(o, "epochs")) {
      r.result.epochs.push_back(epoch_from(e));
      r.result.accuracy_history.push_back(r.result.epochs.back().val_accuracy);
    }
    for (const auto& s : array(o, "splits")) r.result.splits.push_back(split_from(s));
    if (o.contains("report")) {
      if (r.result.epochs.empty()) throw FileError("a run with a report has no epochs");
      r.result.report = report_from(object(o["report"], "\"report\""));
    }
    c.results.push_back(std::move(r));
  }
  return c;
}

}  // namespace

std::string comparison_to_json(const Comparison& c) {
  Json arms = arms_to_json(c.arms), seeds = Json::array(), runs = Json::array();
  for (const auto s : c.seeds) seeds.push_back(s);
  for (const auto& r : c.results) {
    Json epochs = Json::array(), splits = Json::array();
    for (const auto& m : r.result.epochs) epochs.push_back(epoch_json(m));
    for (const auto& s : r.result.splits) splits.push_back(split_json(s));
    Json run{{"arm", r.arm},
             {"seed", r.seed},
             {"seed_val_accuracy", r.result.seed_val_accuracy},
             {"seed_test_accuracy", finite_or_null(r.result.seed_test_accuracy)},
             {"test_accuracy", finite_or_null(r.result.test_accuracy)},
             {"diverged", r.result.diverged},
             {"wall_seconds", r.result.wall_seconds},
             {"epochs", epochs},
             {"splits", splits}};
    if (r.result.report) run["report"] = report_json(*r.result.report);
    runs.push_back(run);
  }
  RunConfig base = c.base;
  base.fork.reset();  // a comparison's runs start afresh
  const Json root{{"format", kFormat},
                  {"version", kFormatVersion},
                  {"base", Json::parse(config_to_json(base))},
                  {"arms", arms},
                  {"seeds", seeds},
                  {"runs", runs}};
  return root.dump(4) + "\n";
}

bool comparison_from_json(const std::string& bytes, Comparison* out, std::string* error) {
  try {
    *out = read_comparison(bytes);
    return true;
  } catch (const std::exception& e) {
    if (error) *error = std::string("This comparison file cannot be used: ") + e.what() + ".";
    return false;
  }
}

}  // namespace moelab
