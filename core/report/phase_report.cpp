#include "report/phase_report.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "stats/statistics.h"
#include "training/switch_events.h"
#include "util/format.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int count_true(const std::vector<bool>& values) {
  return static_cast<int>(std::count(values.begin(), values.end(), true));
}

// Share of samples predicted right; NaN without samples (no figure rather than a false 0%).
double share_correct(const std::vector<bool>& correct) {
  if (correct.empty()) return kNaN;
  return static_cast<double>(count_true(correct)) / static_cast<double>(correct.size());
}

// A fraction as signed percentage points: -0.0056 -> "-0.56".
std::string signed_points(double fraction) {
  if (std::isnan(fraction)) return "n/a";
  const std::string text = format_number(fraction * 100.0, 2);
  return text.front() == '-' || text == "0.00" ? text : "+" + text;
}

std::string points_interval(const std::optional<std::pair<double, double>>& ci) {
  if (!ci || std::isnan(ci->first) || std::isnan(ci->second)) return "n/a";
  return signed_points(ci->first) + " to " + signed_points(ci->second) + " points";
}

std::string p_text(double p) {
  if (std::isnan(p)) return "n/a";
  return p < 0.001 ? "< 0.001" : format_number(p, 3);
}

std::string percent_or_na(double fraction) {
  return std::isnan(fraction) ? "n/a" : percent(fraction);
}

Criterion make_criterion(std::string name, bool passed, double value, std::string detail = {}) {
  Criterion c;
  c.name = std::move(name);
  c.passed = passed;
  c.value = value;
  c.detail = std::move(detail);
  return c;
}

bool have_paired_test_predictions(const PhaseReportInputs& in) {
  return !in.final_test_correct.empty() &&
         in.seed_test_correct.size() == in.final_test_correct.size();
}

Criterion accuracy_criterion(const PhaseReportInputs& in) {
  if (!have_paired_test_predictions(in)) {
    return make_criterion(
        "accuracy_not_below_seed", false, kNaN,
        "no paired test predictions (seed " + std::to_string(in.seed_test_correct.size()) +
            ", final " + std::to_string(in.final_test_correct.size()) +
            " samples): the final model cannot be compared with the seed");
  }
  const auto cmp = stats::compare_paired_correct(in.seed_test_correct, in.final_test_correct);
  // Fails only on evidence of harm: a noisy small dip is not a regression.
  Criterion c = make_criterion("accuracy_not_below_seed", !(cmp.ci95.high < 0), cmp.difference);
  c.ci95 = std::pair{cmp.ci95.low, cmp.ci95.high};
  c.p_value = cmp.p_value;
  c.detail = "test accuracy " + percent(share_correct(in.final_test_correct)) + " vs seed " +
             percent(share_correct(in.seed_test_correct)) + ", " +
             signed_points(cmp.difference) + " points (95% CI " + points_interval(c.ci95) +
             "; of " + std::to_string(cmp.n) + " paired samples " + std::to_string(cmp.improved) +
             " better, " + std::to_string(cmp.worsened) + " worse; McNemar p " +
             p_text(cmp.p_value) +
             "); fails only if the final model is worse than the seed with 95% confidence";
  return c;
}

Criterion learned_criterion(const std::vector<bool>& final_correct, double chance) {
  if (final_correct.empty()) {
    return make_criterion("learned", false, kNaN,
                          "no test predictions: nothing shows that the model learned the task");
  }
  const auto ci = stats::wilson_interval95(count_true(final_correct),
                                           static_cast<int>(final_correct.size()));
  const double accuracy = share_correct(final_correct);
  Criterion c = make_criterion("learned", ci.low > chance, accuracy);
  c.ci95 = std::pair{ci.low, ci.high};
  c.detail = "test accuracy " + percent(accuracy) + " (95% CI " + percent(ci.low) + " to " +
             percent(ci.high) + ") vs chance " + percent(chance) +
             " (largest class share); passes when the whole interval is above chance";
  return c;
}

Criterion divergence_criterion(const std::string& diverged) {
  Criterion c = make_criterion("not_diverged", diverged.empty(), diverged.empty() ? 0.0 : 1.0);
  c.detail = diverged.empty() ? "training stayed finite" : "training diverged: " + diverged;
  return c;
}

Criterion dormant_criterion(const std::vector<int>& dormant, int experts, double threshold) {
  Criterion c =
      make_criterion("no_dormant_experts", dormant.empty(), static_cast<double>(dormant.size()));
  c.detail = std::to_string(dormant.size()) + " of " + std::to_string(experts) +
             " experts under " + percent(threshold) + " utilisation";
  return c;
}

// Smallest gap in epochs between consecutive splits; infinite with fewer than two splits.
double smallest_split_gap(const std::vector<SplitEvent>& splits) {
  double gap = std::numeric_limits<double>::infinity();
  for (std::size_t i = 1; i < splits.size(); ++i) {
    gap = std::min(gap, static_cast<double>(splits[i].epoch - splits[i - 1].epoch));
  }
  return gap;
}

Criterion split_criterion(const std::vector<SplitEvent>& splits, int window) {
  const double gap = smallest_split_gap(splits);
  Criterion c = make_criterion("one_split_per_cooldown", gap >= window, gap);
  c.detail = std::to_string(splits.size()) + " splits, " +
             (splits.size() < 2 ? std::string("no two to compare")
                                : "closest " + format_number(gap, 0) + " epochs apart") +
             " (window " + std::to_string(window) + ")";
  return c;
}

// The figures the report states, copied from the run (accuracies recomputed from predictions).
void copy_measurements(const PhaseReportInputs& in, PhaseReport& report) {
  report.seed_val_accuracy = in.seed_val_accuracy;
  report.final_val_accuracy = in.accuracy_history.back();
  report.test_accuracy = share_correct(in.final_test_correct);
  report.seed_test_accuracy = share_correct(in.seed_test_correct);
  report.test_size = static_cast<int>(in.final_test_correct.size());
  report.chance_accuracy = in.chance_accuracy;
  report.growth_epochs =
      std::max(0, static_cast<int>(in.accuracy_history.size()) - in.seed_epochs);
  const EpochMetrics& last = in.last_epoch;
  report.experts = last.experts;
  report.dormant = last.dormant;
  report.utilization = last.utilization;
  report.effective_experts = last.effective_experts;
  report.load_violation = last.load_violation;
  report.usage_entropy = last.usage_entropy;
  report.expert_similarity = last.expert_similarity;
  report.splits = in.splits;
  report.split_budget = in.split_budget;
  report.diverged = in.diverged;
  report.cooldown_window = in.cooldown_window;
  report.dormant_threshold = in.dormant_threshold;
}

Json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;  // NaN and infinity are not JSON
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return static_cast<std::int64_t>(value);  // counts stay integers
  }
  return value;
}

Json split_json(const SplitEvent& s) {
  return {{"epoch", s.epoch},
          {"step", s.step},
          {"parent", s.parent},
          {"child", s.child},
          {"val_accuracy_before", json_number(s.val_accuracy_before)},
          {"val_accuracy_after", json_number(s.val_accuracy_after)},
          {"changed_predictions", json_number(s.changed_predictions)}};
}

Json criterion_json(const Criterion& c) {
  Json j{{"name", c.name},
         {"passed", c.passed},
         {"value", json_number(c.value)},  // infinite gap (fewer than two splits): null
         {"detail", c.detail}};
  if (c.ci95) j["ci95"] = Json::array({json_number(c.ci95->first), json_number(c.ci95->second)});
  if (c.p_value) j["p_value"] = json_number(*c.p_value);
  return j;
}

void markdown_criteria(std::ostringstream& md, const PhaseReport& r) {
  md << "| Criterion | Result | Measured |\n|---|---|---|\n";
  for (const auto& c : r.criteria) {
    md << "| " << c.name << " | " << (c.passed ? "pass" : "FAIL") << " | " << c.detail << " |\n";
  }
  md << "\nAccuracy rule: " << accuracy_rule() << "\n";
  if (!r.diverged.empty()) md << "\n**Training diverged:** " << r.diverged << "\n";
}

void markdown_accuracy(std::ostringstream& md, const PhaseReport& r) {
  md << "\n## Accuracy\n\n| Set | Seed model | Final model |\n|---|---|---|\n";
  md << "| Test (" << r.test_size << " held-out samples) | " << percent_or_na(r.seed_test_accuracy)
     << " | " << percent_or_na(r.test_accuracy) << " |\n";
  md << "| Validation | " << percent(r.seed_val_accuracy) << " | " << percent(r.final_val_accuracy)
     << " |\n\n";
  if (const Criterion* c = find_criterion(r, "accuracy_not_below_seed"); c && c->ci95) {
    md << "- Test accuracy, final minus seed: " << signed_points(c->value)
       << " points, 95% CI " << points_interval(c->ci95) << " (Newcombe, paired); of "
       << r.test_size << " samples " << r.test_improved << " better, " << r.test_worsened
       << " worse; exact McNemar p " << p_text(c->p_value.value_or(kNaN)) << "\n";
  }
  md << "- Chance (largest class share of the test set): " << percent(r.chance_accuracy) << "\n";
  md << "- Growth epochs: " << r.growth_epochs << "\n";
}

void markdown_experts(std::ostringstream& md, const PhaseReport& r) {
  md << "\n## Experts\n\n";
  md << "- Experts: " << r.experts << ", dormant: " << r.dormant.size() << "\n";
  md << "- Effective experts (exp of the routing entropy): "
     << format_number(r.effective_experts, 2) << "\n";
  md << "- Load violation (max / mean utilisation - 1): " << format_number(r.load_violation, 2)
     << "\n";
  md << "- Router entropy (normalised): " << format_number(r.usage_entropy, 3)
     << ", expert similarity: " << format_number(r.expert_similarity, 3) << "\n";
  md << "\n## Utilisation (share of validation samples routed to each expert in top-k)\n\n";
  md << "| Expert | Utilisation | State |\n|---|---|---|\n";
  for (std::size_t e = 0; e < r.utilization.size(); ++e) {
    const bool dormant = std::find(r.dormant.begin(), r.dormant.end(), static_cast<int>(e)) !=
                         r.dormant.end();
    md << "| " << expert_name(static_cast<int>(e)) << " | " << percent(r.utilization[e]) << " | "
       << (dormant ? "dormant" : "active") << " |\n";
  }
}

void markdown_splits(std::ostringstream& md, const PhaseReport& r) {
  md << "\n## Splits\n\n" << r.splits.size() << " of a budget of " << r.split_budget
     << " splits.\n";
  if (r.splits.empty()) return;
  md << "\n| Epoch | Step | Split | Val. acc. before | Val. acc. after | Changed predictions |\n";
  md << "|---|---|---|---|---|---|\n";
  for (const auto& s : r.splits) {
    md << "| " << s.epoch << " | " << s.step << " | " << expert_name(s.parent) << " -> "
       << expert_name(s.child) << " | "
       << percent(s.val_accuracy_before) << " | " << percent(s.val_accuracy_after) << " | "
       << percent(s.changed_predictions) << " |\n";
  }
}

}  // namespace

const char* accuracy_rule() {
  return "The grown model passes unless it is worse than the seed model with 95% confidence, "
         "that is unless the 95% interval of its test-accuracy difference from the seed "
         "(paired over the same test samples, Newcombe's method) lies wholly below zero.";
}

PhaseReport make_phase_report(const PhaseReportInputs& in) {
  if (in.accuracy_history.empty()) {
    throw std::invalid_argument("phase report: the accuracy history is empty");
  }
  PhaseReport report;
  copy_measurements(in, report);
  if (have_paired_test_predictions(in)) {
    const auto cmp = stats::compare_paired_correct(in.seed_test_correct, in.final_test_correct);
    report.test_improved = cmp.improved;
    report.test_worsened = cmp.worsened;
  }
  report.criteria = {accuracy_criterion(in),
                     learned_criterion(in.final_test_correct, in.chance_accuracy),
                     divergence_criterion(in.diverged),
                     dormant_criterion(report.dormant, report.experts, in.dormant_threshold),
                     split_criterion(report.splits, in.cooldown_window)};
  report.go = std::all_of(report.criteria.begin(), report.criteria.end(),
                          [](const Criterion& c) { return c.passed; });
  return report;
}

namespace {

// Mean over the run's splits of one figure; NaN without a split (summaries skip it).
template <typename Field>
double mean_over_splits(const std::vector<SplitEvent>& splits, Field field) {
  if (splits.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (const auto& s : splits) sum += field(s);
  return sum / static_cast<double>(splits.size());
}

}  // namespace

std::vector<std::pair<std::string, double>> report_scalars(const PhaseReport& r) {
  const double split_accuracy_change = mean_over_splits(
      r.splits, [](const SplitEvent& s) { return s.val_accuracy_after - s.val_accuracy_before; });
  const double split_changed_predictions =
      mean_over_splits(r.splits, [](const SplitEvent& s) { return s.changed_predictions; });
  return {{"final_val_accuracy", r.final_val_accuracy},
          {"seed_val_accuracy", r.seed_val_accuracy},
          {"test_accuracy", r.test_accuracy},
          {"seed_test_accuracy", r.seed_test_accuracy},
          {"experts", static_cast<double>(r.experts)},
          {"dormant", static_cast<double>(r.dormant.size())},
          {"split_count", static_cast<double>(r.splits.size())},
          {"split_budget", static_cast<double>(r.split_budget)},
          // Validation accuracy right after a split minus right before, and the share of
          // validation predictions a split changed: means over the run's splits.
          {"split_accuracy_change", split_accuracy_change},
          {"split_changed_predictions", split_changed_predictions},
          {"effective_experts", r.effective_experts},
          {"load_violation", r.load_violation},
          {"usage_entropy", r.usage_entropy},
          {"expert_similarity", r.expert_similarity},
          {"go", r.go ? 1.0 : 0.0}};
}

const Criterion* find_criterion(const PhaseReport& report, std::string_view name) {
  for (const auto& c : report.criteria) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string to_markdown(const PhaseReport& r) {
  std::ostringstream md;
  md << "# Phase 1: MoE growth results\n\n";
  md << "**Verdict: " << r.verdict() << "**\n\n";
  markdown_criteria(md, r);
  markdown_accuracy(md, r);
  markdown_experts(md, r);
  markdown_splits(md, r);
  return md.str();
}

std::string to_json(const PhaseReport& r) {
  Json j;
  j["verdict"] = r.verdict();
  for (const auto& [key, value] : report_scalars(r)) j[key] = json_number(value);
  j["growth_epochs"] = r.growth_epochs;
  j["test_size"] = r.test_size;
  j["test_improved"] = r.test_improved;
  j["test_worsened"] = r.test_worsened;
  j["chance_accuracy"] = json_number(r.chance_accuracy);
  j["diverged"] = r.diverged.empty() ? Json(nullptr) : Json(r.diverged);
  j["accuracy_rule"] = accuracy_rule();
  j["dormant_experts"] = r.dormant;
  j["dormant_threshold"] = r.dormant_threshold;
  j["cooldown_window"] = r.cooldown_window;
  j["utilization"] = r.utilization;
  j["splits"] = Json::array();
  for (const auto& s : r.splits) j["splits"].push_back(split_json(s));
  j["criteria"] = Json::array();
  for (const auto& c : r.criteria) j["criteria"].push_back(criterion_json(c));
  return j.dump(2) + "\n";
}

}  // namespace moelab
