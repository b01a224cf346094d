#include "io/history_json.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace moelab {

namespace {

using Json = HistoryJson;

template <typename T>
Json numbers(const std::vector<T>& values) {
  Json a = Json::array();
  for (const T v : values) a.push_back(exact_number(static_cast<double>(v)));
  return a;
}

template <typename T>
std::vector<T> numbers_from(const Json& a) {
  if (!a.is_array()) throw std::invalid_argument("a list of numbers was expected");
  std::vector<T> out;
  for (const auto& v : a) out.push_back(static_cast<T>(exact_number_from(v)));
  return out;
}

const Json& at(const Json& j, const char* key) {
  const auto found = j.find(key);
  if (found == j.end()) throw std::invalid_argument(std::string("the key ") + key + " is missing");
  return *found;
}

Json epoch_json(const EpochMetrics& m) {
  Json matrix = Json::array();
  for (const auto& row : m.routing_matrix) matrix.push_back(numbers(row));
  Json j{{"epoch", m.epoch},
          {"phase", m.phase == Phase::Seed ? "seed" : "growth"},
          {"step", m.step},
          {"wall_seconds", exact_number(m.wall_seconds)},
          {"loss_total", exact_number(m.loss_total)},
          {"loss_terms", numbers(m.loss_terms)},
          {"train_accuracy", exact_number(m.train_accuracy)},
          {"val_accuracy", exact_number(m.val_accuracy)},
          {"usage_entropy", exact_number(m.usage_entropy)},
          {"sample_entropy", exact_number(m.sample_entropy)},
          {"effective_experts", exact_number(m.effective_experts)},
          {"load_violation", exact_number(m.load_violation)},
          {"expert_similarity", exact_number(m.expert_similarity)},
          {"router_task_grad_norm", exact_number(m.router_task_grad_norm)},
          {"router_task_grad", numbers(m.router_task_grad)},
          {"experts", m.experts},
          {"utilization", numbers(m.utilization)},
          {"dormant", m.dormant},
          {"routing_matrix", matrix},
          {"samples_per_second", exact_number(m.samples_per_second)}};
  // Only a field's epochs have one: a heuristic run's history stays as it was.
  if (!m.field_u.empty()) {
    j["field"] = {{"u", numbers(m.field_u)},
                  {"v", numbers(m.field_v)},
                  {"threshold", exact_number(m.field_threshold)}};
  }
  return j;
}

EpochMetrics epoch_from(const Json& j) {
  EpochMetrics m;
  m.epoch = at(j, "epoch").get<int>();
  m.phase = at(j, "phase").get<std::string>() == "seed" ? Phase::Seed : Phase::Growth;
  m.step = at(j, "step").get<std::int64_t>();
  m.wall_seconds = exact_number_from(at(j, "wall_seconds"));
  m.loss_total = exact_number_from(at(j, "loss_total"));
  m.loss_terms = numbers_from<double>(at(j, "loss_terms"));
  m.train_accuracy = exact_number_from(at(j, "train_accuracy"));
  m.val_accuracy = exact_number_from(at(j, "val_accuracy"));
  m.usage_entropy = exact_number_from(at(j, "usage_entropy"));
  m.sample_entropy = exact_number_from(at(j, "sample_entropy"));
  m.effective_experts = exact_number_from(at(j, "effective_experts"));
  m.load_violation = exact_number_from(at(j, "load_violation"));
  m.expert_similarity = exact_number_from(at(j, "expert_similarity"));
  m.router_task_grad_norm = exact_number_from(at(j, "router_task_grad_norm"));
  m.router_task_grad = numbers_from<float>(at(j, "router_task_grad"));
  m.experts = at(j, "experts").get<int>();
  m.utilization = numbers_from<float>(at(j, "utilization"));
  m.dormant = at(j, "dormant").get<std::vector<int>>();
  for (const auto& row : at(j, "routing_matrix")) m.routing_matrix.push_back(numbers_from<float>(row));
  m.samples_per_second = exact_number_from(at(j, "samples_per_second"));
  if (const auto field = j.find("field"); field != j.end()) {
    m.field_u = numbers_from<double>(at(*field, "u"));
    m.field_v = numbers_from<double>(at(*field, "v"));
    m.field_threshold = exact_number_from(at(*field, "threshold"));
  }
  return m;
}

Json split_json(const SplitEvent& s) {
  return {{"epoch", s.epoch},
          {"step", s.step},
          {"parent", s.parent},
          {"child", s.child},
          {"val_accuracy_before", exact_number(s.val_accuracy_before)},
          {"val_accuracy_after", exact_number(s.val_accuracy_after)},
          {"changed_predictions", exact_number(s.changed_predictions)}};
}

SplitEvent split_from(const Json& j) {
  SplitEvent s;
  s.epoch = at(j, "epoch").get<int>();
  s.step = at(j, "step").get<std::int64_t>();
  s.parent = at(j, "parent").get<int>();
  s.child = at(j, "child").get<int>();
  s.val_accuracy_before = exact_number_from(at(j, "val_accuracy_before"));
  s.val_accuracy_after = exact_number_from(at(j, "val_accuracy_after"));
  s.changed_predictions = exact_number_from(at(j, "changed_predictions"));
  return s;
}

Json switch_json(const SwitchEvent& s) {
  return {{"epoch", s.epoch}, {"step", s.step}, {"name", s.name}, {"from", s.from}, {"to", s.to}};
}

SwitchEvent switch_from(const Json& j) {
  return {at(j, "epoch").get<int>(), at(j, "step").get<std::int64_t>(),
          at(j, "name").get<std::string>(), at(j, "from").get<std::string>(),
          at(j, "to").get<std::string>()};
}

}  // namespace

Json exact_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

double exact_number_from(const Json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto text = j.get<std::string>();
    if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw std::invalid_argument("a number was expected");
}

Json history_to_json(const RunResult& r) {
  Json epochs = Json::array(), splits = Json::array(), switches = Json::array();
  for (const auto& m : r.epochs) epochs.push_back(epoch_json(m));
  for (const auto& s : r.splits) splits.push_back(split_json(s));
  for (const auto& s : r.switches) switches.push_back(switch_json(s));
  return {{"data",
           {{"name", r.data.name},
            {"train_size", r.data.train_size},
            {"validation_size", r.data.validation_size},
            {"test_size", r.data.test_size},
            {"dimension", r.data.dimension},
            {"classes", r.data.classes},
            {"class_names", r.data.class_names}}},
          {"seed_val_accuracy", exact_number(r.seed_val_accuracy)},
          {"diverged", r.diverged},
          {"accuracy_history", numbers(r.accuracy_history)},
          {"epochs", epochs},
          {"splits", splits},
          {"switches", switches}};
}

RunResult history_from_json(const Json& j) {
  try {
    RunResult r;
    const auto& d = at(j, "data");
    r.data.name = at(d, "name").get<std::string>();
    r.data.train_size = at(d, "train_size").get<std::int64_t>();
    r.data.validation_size = at(d, "validation_size").get<std::int64_t>();
    r.data.test_size = at(d, "test_size").get<std::int64_t>();
    r.data.dimension = at(d, "dimension").get<std::int64_t>();
    r.data.classes = at(d, "classes").get<int>();
    r.data.class_names = at(d, "class_names").get<std::vector<std::string>>();
    r.seed_val_accuracy = exact_number_from(at(j, "seed_val_accuracy"));
    r.diverged = at(j, "diverged").get<std::string>();
    r.accuracy_history = numbers_from<double>(at(j, "accuracy_history"));
    for (const auto& e : at(j, "epochs")) r.epochs.push_back(epoch_from(e));
    for (const auto& s : at(j, "splits")) r.splits.push_back(split_from(s));
    for (const auto& s : at(j, "switches")) r.switches.push_back(switch_from(s));
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("a history value has the wrong type (") + e.what() + ")");
  }
}

Json accumulator_to_json(const StepAccumulator& a) {
  return {{"total", exact_number(a.total)},
          {"usage_entropy", exact_number(a.usage_entropy)},
          {"sample_entropy", exact_number(a.sample_entropy)},
          {"router_task_grad_norm", exact_number(a.router_task_grad_norm)},
          {"terms", numbers(a.terms)},
          {"slot_share", numbers(a.slot_share)},
          {"router_task_grad", numbers(a.router_task_grad)},
          {"correct", a.correct},
          {"steps", a.steps},
          {"samples", a.samples}};
}

StepAccumulator accumulator_from_json(const Json& j) {
  StepAccumulator a;
  a.total = exact_number_from(at(j, "total"));
  a.usage_entropy = exact_number_from(at(j, "usage_entropy"));
  a.sample_entropy = exact_number_from(at(j, "sample_entropy"));
  a.router_task_grad_norm = exact_number_from(at(j, "router_task_grad_norm"));
  a.terms = numbers_from<double>(at(j, "terms"));
  a.slot_share = numbers_from<double>(at(j, "slot_share"));
  a.router_task_grad = numbers_from<double>(at(j, "router_task_grad"));
  a.correct = at(j, "correct").get<std::int64_t>();
  a.steps = at(j, "steps").get<std::int64_t>();
  a.samples = at(j, "samples").get<std::int64_t>();
  return a;
}

}  // namespace moelab
