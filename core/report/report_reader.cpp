#include "report/report_reader.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const Json& at(const Json& j, const char* key) {
  const auto found = j.find(key);
  if (found == j.end()) throw std::invalid_argument(std::string("the key \"") + key + "\" is missing");
  return *found;
}

double number_or(const Json& j, double if_null) {
  if (j.is_null()) return if_null;
  if (!j.is_number()) throw std::invalid_argument("a number was expected");
  return j.get<double>();
}

double number(const Json& j, const char* key) { return number_or(at(j, key), kNaN); }

SplitEvent split_from(const Json& j) {
  SplitEvent s;
  s.epoch = at(j, "epoch").get<int>();
  s.step = at(j, "step").get<std::int64_t>();
  s.parent = at(j, "parent").get<int>();
  s.child = at(j, "child").get<int>();
  s.val_accuracy_before = number(j, "val_accuracy_before");
  s.val_accuracy_after = number(j, "val_accuracy_after");
  s.changed_predictions = number(j, "changed_predictions");
  return s;
}

Criterion criterion_from(const Json& j) {
  Criterion c;
  c.name = at(j, "name").get<std::string>();
  c.passed = at(j, "passed").get<bool>();
  c.value = number_or(at(j, "value"), std::numeric_limits<double>::infinity());
  c.detail = at(j, "detail").get<std::string>();
  if (j.contains("ci95")) {
    const auto& ci = j["ci95"];
    if (!ci.is_array() || ci.size() != 2) throw std::invalid_argument("ci95 must be a pair");
    c.ci95 = std::make_pair(number_or(ci[0], kNaN), number_or(ci[1], kNaN));
  }
  if (j.contains("p_value")) c.p_value = number_or(j["p_value"], kNaN);
  return c;
}

}  // namespace

PhaseReport phase_report_from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = Json::parse(text);
    PhaseReport r;
    r.go = at(j, "verdict").get<std::string>() == "GO";
    r.final_val_accuracy = number(j, "final_val_accuracy");
    r.seed_val_accuracy = number(j, "seed_val_accuracy");
    r.test_accuracy = number(j, "test_accuracy");
    r.seed_test_accuracy = number(j, "seed_test_accuracy");
    r.experts = at(j, "experts").get<int>();
    r.split_budget = at(j, "split_budget").get<int>();
    r.effective_experts = number(j, "effective_experts");
    r.load_violation = number(j, "load_violation");
    r.usage_entropy = number(j, "usage_entropy");
    r.expert_similarity = number(j, "expert_similarity");
    r.growth_epochs = at(j, "growth_epochs").get<int>();
    r.test_size = at(j, "test_size").get<int>();
    r.test_improved = at(j, "test_improved").get<int>();
    r.test_worsened = at(j, "test_worsened").get<int>();
    r.chance_accuracy = number(j, "chance_accuracy");
    const auto& diverged = at(j, "diverged");
    r.diverged = diverged.is_null() ? std::string() : diverged.get<std::string>();
    r.dormant = at(j, "dormant_experts").get<std::vector<int>>();
    r.dormant_threshold = number(j, "dormant_threshold");
    r.cooldown_window = at(j, "cooldown_window").get<int>();
    r.utilization = at(j, "utilization").get<std::vector<float>>();
    for (const auto& s : at(j, "splits")) r.splits.push_back(split_from(s));
    for (const auto& c : at(j, "criteria")) r.criteria.push_back(criterion_from(c));
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(source + ": not a phase report (" + e.what() + ")");
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(source + ": not a phase report (" + e.what() + ")");
  }
}

}  // namespace moelab
