#include "comparison/comparison_file.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "config/config_json.h"
#include "training/loss_term_catalog.h"

namespace moelab::ui {

namespace {

// Version 1 files from before the held-out test set lack the loss terms, the test accuracies, the
// router figures and the split effects: those keys are read when present (see optional_number).
constexpr int kFormatVersion = 1;
const char* kFormat = "moelab-comparison";

class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

QJsonArray ints(const std::vector<int>& values) {
  QJsonArray a;
  for (int v : values) a.append(v);
  return a;
}

QJsonArray floats(const std::vector<float>& values) {
  QJsonArray a;
  for (float v : values) a.append(static_cast<double>(v));
  return a;
}

QJsonObject split_json(const SplitEvent& s) {
  return {{"epoch", s.epoch},
          {"step", static_cast<qint64>(s.step)},
          {"parent", s.parent},
          {"child", s.child},
          {"val_accuracy_before", s.val_accuracy_before},
          {"val_accuracy_after", s.val_accuracy_after},
          {"changed_predictions", s.changed_predictions}};
}

// Non-finite numbers are not JSON: null.
QJsonValue finite_or_null(double v) {
  return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

// The loss terms keyed by their catalog names, so that a file stays readable when the catalog
// gains, loses or reorders a term.
QJsonObject loss_terms_json(const std::vector<double>& terms) {
  QJsonObject o;
  const auto& catalog = loss_term_catalog();
  for (std::size_t i = 0; i < catalog.size() && i < terms.size(); ++i) {
    o.insert(QString::fromStdString(catalog[i].name), terms[i]);
  }
  return o;
}

QJsonObject report_json(const PhaseReport& r) {
  QJsonArray splits, criteria;
  for (const auto& s : r.splits) splits.append(split_json(s));
  for (const auto& c : r.criteria) {
    QJsonObject criterion{{"name", QString::fromStdString(c.name)},
                          {"passed", c.passed},
                          // Infinity (fewer than two splits) is not JSON: null.
                          {"value", finite_or_null(c.value)},
                          {"detail", QString::fromStdString(c.detail)}};
    if (c.ci95) {
      criterion.insert(QStringLiteral("ci95"),
                       QJsonArray{finite_or_null(c.ci95->first), finite_or_null(c.ci95->second)});
    }
    if (c.p_value) criterion.insert(QStringLiteral("p_value"), finite_or_null(*c.p_value));
    criteria.append(criterion);
  }
  return {{"go", r.go},
          {"seed_val_accuracy", r.seed_val_accuracy},
          {"final_val_accuracy", r.final_val_accuracy},
          {"seed_test_accuracy", r.seed_test_accuracy},
          {"test_accuracy", r.test_accuracy},
          {"test_size", r.test_size},
          {"effective_experts", r.effective_experts},
          {"load_violation", r.load_violation},
          {"usage_entropy", r.usage_entropy},
          {"expert_similarity", r.expert_similarity},
          {"split_budget", r.split_budget},
          {"diverged", QString::fromStdString(r.diverged)},
          {"experts", r.experts},
          {"dormant", ints(r.dormant)},
          {"splits", splits},
          {"utilization", floats(r.utilization)},
          {"criteria", criteria},
          {"growth_epochs", r.growth_epochs},
          {"cooldown_window", r.cooldown_window},
          {"dormant_threshold", r.dormant_threshold}};
}

QJsonObject epoch_json(const EpochMetrics& m) {
  return {{"epoch", m.epoch},
          {"phase", m.phase == Phase::Seed ? "seed" : "growth"},
          {"step", static_cast<qint64>(m.step)},
          {"loss_total", m.loss_total},
          {"loss_terms", loss_terms_json(m.loss_terms)},
          {"train_accuracy", m.train_accuracy},
          {"val_accuracy", m.val_accuracy},
          {"usage_entropy", m.usage_entropy},
          {"sample_entropy", m.sample_entropy},
          {"effective_experts", m.effective_experts},
          {"load_violation", m.load_violation},
          {"expert_similarity", m.expert_similarity},
          {"router_task_grad_norm", m.router_task_grad_norm},
          {"router_task_grad", floats(m.router_task_grad)},
          {"experts", m.experts},
          {"dormant", ints(m.dormant)},
          {"utilization", floats(m.utilization)}};
}

// --- reading: every accessor checks the type and names the key it refused ---

QJsonValue need(const QJsonObject& o, const char* key) {
  const QJsonValue v = o.value(QLatin1String(key));
  if (v.isUndefined()) throw FileError(std::string("the key \"") + key + "\" is missing");
  return v;
}

double number(const QJsonObject& o, const char* key) {
  const QJsonValue v = need(o, key);
  if (!v.isDouble()) throw FileError(std::string("\"") + key + "\" must be a number");
  return v.toDouble();
}

int integer(const QJsonObject& o, const char* key) { return static_cast<int>(number(o, key)); }

// A key that older files do not have: `fallback` when absent, NaN when null.
double optional_number(const QJsonObject& o, const char* key, double fallback = 0.0) {
  const QJsonValue v = o.value(QLatin1String(key));
  if (v.isUndefined()) return fallback;
  if (v.isNull()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.isDouble()) throw FileError(std::string("\"") + key + "\" must be a number");
  return v.toDouble();
}

std::string optional_string(const QJsonObject& o, const char* key) {
  const QJsonValue v = o.value(QLatin1String(key));
  if (v.isUndefined()) return {};
  if (!v.isString()) throw FileError(std::string("\"") + key + "\" must be a string");
  return v.toString().toStdString();
}

bool boolean(const QJsonObject& o, const char* key) {
  const QJsonValue v = need(o, key);
  if (!v.isBool()) throw FileError(std::string("\"") + key + "\" must be true or false");
  return v.toBool();
}

QJsonArray array(const QJsonObject& o, const char* key) {
  const QJsonValue v = need(o, key);
  if (!v.isArray()) throw FileError(std::string("\"") + key + "\" must be a list");
  return v.toArray();
}

QJsonObject object(const QJsonValue& v, const char* what) {
  if (!v.isObject()) throw FileError(std::string(what) + " must be an object");
  return v.toObject();
}

std::vector<int> int_list(const QJsonObject& o, const char* key) {
  std::vector<int> out;
  for (const auto& v : array(o, key)) out.push_back(v.toInt());
  return out;
}

std::vector<float> float_list(const QJsonObject& o, const char* key) {
  std::vector<float> out;
  for (const auto& v : array(o, key)) out.push_back(static_cast<float>(v.toDouble()));
  return out;
}

std::vector<float> optional_float_list(const QJsonObject& o, const char* key) {
  return o.contains(QLatin1String(key)) ? float_list(o, key) : std::vector<float>{};
}

// The catalog's terms in its order; a term the file does not name is 0, one the catalog no longer
// has is dropped. Empty for files written before loss terms were kept.
std::vector<double> loss_terms_from(const QJsonObject& o) {
  const QJsonValue v = o.value(QLatin1String("loss_terms"));
  if (v.isUndefined()) return {};
  const QJsonObject terms = object(v, "\"loss_terms\"");
  std::vector<double> out;
  for (const auto& term : loss_term_catalog()) {
    out.push_back(terms.value(QString::fromStdString(term.name)).toDouble(0.0));
  }
  return out;
}

SplitEvent split_from(const QJsonValue& v) {
  const QJsonObject o = object(v, "a split");
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

Criterion criterion_from(const QJsonValue& v) {
  const QJsonObject o = object(v, "a criterion");
  Criterion c;
  c.name = need(o, "name").toString().toStdString();
  c.passed = boolean(o, "passed");
  c.value =
      o.value("value").isNull() ? std::numeric_limits<double>::infinity() : number(o, "value");
  c.detail = need(o, "detail").toString().toStdString();
  if (o.contains(QStringLiteral("ci95"))) {
    const QJsonArray ci = array(o, "ci95");
    if (ci.size() != 2) throw FileError("\"ci95\" must be a pair of numbers");
    auto bound = [](const QJsonValue& b) {
      return b.isNull() ? std::numeric_limits<double>::quiet_NaN() : b.toDouble();
    };
    c.ci95 = std::make_pair(bound(ci[0]), bound(ci[1]));
  }
  if (o.contains(QStringLiteral("p_value"))) c.p_value = optional_number(o, "p_value");
  return c;
}

PhaseReport report_from(const QJsonObject& o) {
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

EpochMetrics epoch_from(const QJsonValue& v) {
  const QJsonObject o = object(v, "an epoch");
  EpochMetrics m;
  m.epoch = integer(o, "epoch");
  m.phase = need(o, "phase").toString() == QLatin1String("seed") ? Phase::Seed : Phase::Growth;
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

}  // namespace

QByteArray comparison_to_json(const Comparison& c) {
  QJsonArray arms, seeds, runs;
  for (const auto& a : c.arms) arms.append(QString::fromStdString(arm_code(a.fixes)));
  for (auto s : c.seeds) seeds.append(static_cast<qint64>(s));
  for (const auto& r : c.results) {
    QJsonArray epochs, splits;
    for (const auto& m : r.result.epochs) epochs.append(epoch_json(m));
    for (const auto& s : r.result.splits) splits.append(split_json(s));
    QJsonObject run{{"arm", static_cast<int>(r.arm)},
                    {"seed", static_cast<qint64>(r.seed)},
                    {"seed_val_accuracy", r.result.seed_val_accuracy},
                    {"seed_test_accuracy", r.result.seed_test_accuracy},
                    {"test_accuracy", r.result.test_accuracy},
                    {"diverged", QString::fromStdString(r.result.diverged)},
                    {"wall_seconds", r.result.wall_seconds},
                    {"epochs", epochs},
                    {"splits", splits}};
    if (r.result.report) run.insert(QStringLiteral("report"), report_json(*r.result.report));
    runs.append(run);
  }
  const QJsonDocument base = QJsonDocument::fromJson(QByteArray::fromStdString(config_to_json(c.base)));
  const QJsonObject root{{"format", kFormat},     {"version", kFormatVersion},
                         {"base", base.object()}, {"arms", arms},
                         {"seeds", seeds},        {"runs", runs}};
  return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool comparison_from_json(const QByteArray& bytes, Comparison* out, QString* error) {
  QJsonParseError parse;
  const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parse);
  try {
    if (parse.error != QJsonParseError::NoError) {
      throw FileError("it is not JSON (" + parse.errorString().toStdString() + " at offset " +
                      std::to_string(parse.offset) + ")");
    }
    if (!doc.isObject()) throw FileError("it is not a JSON object");
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(kFormat)) {
      throw FileError("it is not a comparison file (no \"format\": \"moelab-comparison\")");
    }
    if (integer(root, "version") > kFormatVersion) {
      throw FileError("it was written by a newer version of the lab");
    }
    Comparison c;
    const QByteArray base = QJsonDocument(object(need(root, "base"), "\"base\"")).toJson();
    try {
      c.base = config_from_json(base.toStdString(), "the comparison's base experiment");
    } catch (const std::exception& e) {
      throw FileError(e.what());
    }
    std::string spec;
    for (const auto& a : array(root, "arms")) {
      if (!a.isString()) throw FileError("every arm must be a three-letter code such as \"PcE\"");
      if (!spec.empty()) spec += ',';
      spec += a.toString().toStdString();
    }
    if (spec.empty()) throw FileError("it has no arms");
    try {
      c.arms = parse_arms(spec, c.base.fixes);
    } catch (const std::exception& e) {
      throw FileError(e.what());
    }
    for (const auto& s : array(root, "seeds")) {
      if (!s.isDouble() || s.toDouble() < 0) throw FileError("every seed must be a whole number");
      c.seeds.push_back(static_cast<std::uint64_t>(s.toDouble()));
    }
    for (const auto& v : array(root, "runs")) {
      const QJsonObject o = object(v, "a run");
      ArmSeedResult r;
      const int arm = integer(o, "arm");
      if (arm < 0 || arm >= static_cast<int>(c.arms.size())) {
        throw FileError("a run names arm " + std::to_string(arm) + ", which the file does not have");
      }
      r.arm = static_cast<std::size_t>(arm);
      r.seed = static_cast<std::uint64_t>(number(o, "seed"));
      r.result.config = c.base;
      r.result.config.fixes = c.arms[r.arm].fixes;
      r.result.config.training.seed = r.seed;
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
      if (o.contains(QStringLiteral("report"))) {
        if (r.result.epochs.empty()) throw FileError("a run with a report has no epochs");
        r.result.report = report_from(object(o.value(QStringLiteral("report")), "\"report\""));
      }
      c.results.push_back(std::move(r));
    }
    *out = std::move(c);
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QObject::tr("This comparison file cannot be used: %1.").arg(QString::fromUtf8(e.what()));
    return false;
  }
}

}  // namespace moelab::ui
