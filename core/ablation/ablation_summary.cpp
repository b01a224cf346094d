#include "ablation/ablation_summary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "report/phase_report.h"
#include "util/format.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;
using Scalars = std::vector<std::pair<std::string, double>>;
using RunsBySeed = std::map<std::uint64_t, Scalars>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kPairedTest = "paired t";

// The differences the Markdown table shows: what the fixes are meant to move.
constexpr std::array<const char*, 4> kKeyDifferences = {"test_accuracy", "experts", "dormant",
                                                        "effective_experts"};

// The metric names, taken from the report so that a key is spelled in one place.
std::vector<std::string> metric_keys() {
  std::vector<std::string> keys;
  for (const auto& [key, value] : report_scalars(PhaseReport{})) keys.push_back(key);
  return keys;
}

double value_of(const Scalars& scalars, std::string_view key) {
  for (const auto& [name, value] : scalars) {
    if (name == key) return value;
  }
  return kNaN;
}

RunsBySeed runs_of(std::size_t arm, const std::vector<ArmSeedScalars>& all) {
  RunsBySeed runs;
  for (const auto& r : all) {
    if (r.arm == arm) runs[r.seed] = r.scalars;
  }
  return runs;
}

Spread spread_of(const RunsBySeed& runs, std::string_view key) {
  std::vector<double> values;
  for (const auto& [seed, scalars] : runs) {
    const double v = value_of(scalars, key);
    if (!std::isnan(v)) values.push_back(v);
  }
  Spread s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  s.mean = stats::mean(values);
  s.sd = stats::sample_sd(values);
  s.ci95 = stats::t_interval95(values);
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  return s;
}

std::size_t baseline_arm(const std::vector<Arm>& arms) {
  for (std::size_t a = 0; a < arms.size(); ++a) {
    if (arm_code(arms[a].fixes) == "pce") return a;
  }
  return 0;
}

// The arm minus the baseline on one metric, over the seeds where both have a value.
PairedDifference paired_difference(const RunsBySeed& arm, const RunsBySeed& baseline,
                                   const std::string& baseline_code, const std::string& key) {
  std::vector<double> a, b;
  for (const auto& [seed, scalars] : arm) {
    const auto other = baseline.find(seed);
    if (other == baseline.end()) continue;
    const double va = value_of(scalars, key), vb = value_of(other->second, key);
    if (std::isnan(va) || std::isnan(vb)) continue;
    a.push_back(va);
    b.push_back(vb);
  }
  return {baseline_code, key, stats::paired_t_test(a, b)};
}

ArmSummary summarize_arm(const Arm& arm, const RunsBySeed& runs) {
  ArmSummary s;
  s.name = arm.name;
  s.code = arm_id(arm);
  s.runs = static_cast<int>(runs.size());
  for (const auto& key : metric_keys()) s.metrics.emplace_back(key, spread_of(runs, key));
  return s;
}

// ---- writing ----

Json json_number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json json_interval(const stats::Interval& ci) {
  return Json::array({json_number(ci.low), json_number(ci.high)});
}

Json arm_json(const ArmSummary& s) {
  Json metrics = Json::object();
  for (const auto& [key, spread] : s.metrics) {
    metrics[key] = {{"mean", json_number(spread.mean)},
                    {"sd", json_number(spread.sd)},
                    {"ci95", json_interval(spread.ci95)},
                    {"n", spread.n}};
  }
  Json paired = Json::array();
  for (const auto& d : s.paired) {
    paired.push_back({{"vs", d.vs},
                      {"metric", d.metric},
                      {"mean_diff", json_number(d.test.mean_diff)},
                      {"ci95", json_interval(d.test.ci95)},
                      {"p_value", json_number(d.test.p_value)},
                      {"n", d.test.n}});
  }
  return {{"code", s.code}, {"name", s.name}, {"runs", s.runs}, {"metrics", metrics},
          {"paired", paired}};
}

const ArmSummary* baseline_of(const std::vector<ArmSummary>& table) {
  const auto it = std::find_if(table.begin(), table.end(),
                               [](const ArmSummary& s) { return s.baseline; });
  return it == table.end() ? nullptr : &*it;
}

const PairedDifference* find_difference(const ArmSummary& s, std::string_view metric) {
  for (const auto& d : s.paired) {
    if (d.metric == metric) return &d;
  }
  return nullptr;
}

// NaN as an empty cell: spreadsheets, pandas and R all read that as missing.
std::string csv_number(double value) { return std::isnan(value) ? "" : format_number(value); }

std::string csv_header(const std::vector<ArmSummary>& table) {
  std::ostringstream csv;
  csv << "arm,code,runs";
  if (!table.empty()) {
    for (const auto& [key, spread] : table.front().metrics) {
      csv << ',' << key << "_mean," << key << "_sd," << key << "_ci95_low," << key << "_ci95_high";
    }
  }
  csv << ",paired_vs";
  for (const char* key : kKeyDifferences) {
    csv << ',' << key << "_diff_mean," << key << "_diff_ci95_low," << key << "_diff_ci95_high,"
        << key << "_diff_p_paired_t";
  }
  return csv.str();
}

std::string csv_row(const ArmSummary& s, const ArmSummary* baseline) {
  std::ostringstream csv;
  csv << '"' << s.name << "\"," << s.code << ',' << s.runs;
  for (const auto& [key, v] : s.metrics) {
    csv << ',' << csv_number(v.mean) << ',' << csv_number(v.sd) << ',' << csv_number(v.ci95.low)
        << ',' << csv_number(v.ci95.high);
  }
  csv << ',' << (baseline && !s.baseline ? baseline->code : "");
  for (const char* key : kKeyDifferences) {
    const PairedDifference* d = find_difference(s, key);
    const stats::PairedTest t = d ? d->test : stats::PairedTest{};
    csv << ',' << csv_number(t.mean_diff) << ',' << csv_number(t.ci95.low) << ','
        << csv_number(t.ci95.high) << ',' << csv_number(t.p_value);
  }
  return csv.str();
}

// "mean ± sd"; the mean alone from a single run, "n/a" from none.
std::string pm(const Spread& s, int decimals, double scale = 1.0) {
  if (s.n == 0) return "n/a";
  const std::string mean = format_number(s.mean * scale, decimals);
  return s.n < 2 ? mean : mean + " ± " + format_number(s.sd * scale, decimals);
}

// The split budget follows from the settings, the same for every seed: its mean says it.
std::string budget_text(const Spread& budget) {
  return budget.n ? format_number(budget.mean, budget.mean == std::floor(budget.mean) ? 0 : 1)
                  : "n/a";
}

std::string markdown_number(double value, int decimals) {
  return std::isnan(value) ? "n/a" : format_number(value, decimals);
}

std::string markdown_interval(const stats::Interval& ci, int decimals) {
  if (!ci.defined()) return "n/a";
  return markdown_number(ci.low, decimals) + " to " + markdown_number(ci.high, decimals);
}

std::string markdown_p(double p) {
  if (std::isnan(p)) return "n/a";
  return p < 0.001 ? "< 0.001" : format_number(p, 3);
}

void markdown_spread_table(std::ostringstream& md, const std::vector<ArmSummary>& table) {
  md << "| Arm | Code | Runs | Final val. acc. (%) | Test acc. (%) | Seed test acc. (%) | Experts | "
        "Effective experts | Dormant | Splits / budget | Load violation | Router entropy | "
        "Expert similarity | GO |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : table) {
    const Spread& go = s.metric("go");
    md << "| " << s.name << " | " << s.code << " | " << s.runs << " | "
       << pm(s.metric("final_val_accuracy"), 2, 100) << " | "
       << pm(s.metric("test_accuracy"), 2, 100) << " | "
       << pm(s.metric("seed_test_accuracy"), 2, 100) << " | " << pm(s.metric("experts"), 1)
       << " | " << pm(s.metric("effective_experts"), 2) << " | " << pm(s.metric("dormant"), 1)
       << " | " << pm(s.metric("split_count"), 1) << " / " << budget_text(s.metric("split_budget"))
       << " | " << pm(s.metric("load_violation"), 2) << " | "
       << pm(s.metric("usage_entropy"), 2) << " | " << pm(s.metric("expert_similarity"), 2)
       << " | " << (go.n ? format_number(go.mean * 100, 0) + "%" : "n/a") << " |\n";
  }
}

void markdown_paired_table(std::ostringstream& md, const std::vector<ArmSummary>& table,
                           const ArmSummary& baseline) {
  md << "\nPaired differences from the baseline " << baseline.name << " (" << baseline.code
     << "), seed by seed over the seeds both arms completed (paired t test; test accuracy in "
        "percentage points):\n\n";
  md << "| Arm | Code | Metric | Pairs | Mean diff. | 95% CI | p |\n";
  md << "|---|---|---|---|---|---|---|\n";
  for (const auto& s : table) {
    for (const char* key : kKeyDifferences) {
      const PairedDifference* d = find_difference(s, key);
      if (!d) continue;
      const double scale = std::string_view(key) == "test_accuracy" ? 100.0 : 1.0;
      const stats::Interval ci{d->test.ci95.low * scale, d->test.ci95.high * scale};
      md << "| " << s.name << " | " << s.code << " | " << key << " | " << d->test.n << " | "
         << markdown_number(d->test.mean_diff * scale, 2) << " | " << markdown_interval(ci, 2)
         << " | " << markdown_p(d->test.p_value) << " |\n";
    }
  }
}

}  // namespace

const Spread& ArmSummary::metric(std::string_view key) const {
  for (const auto& [name, spread] : metrics) {
    if (name == key) return spread;
  }
  throw std::out_of_range("ablation summary: no metric named " + std::string(key));
}

std::vector<ArmSummary> summarize(const std::vector<Arm>& arms,
                                  const std::vector<ArmSeedResult>& results) {
  std::vector<ArmSeedScalars> runs;
  for (const auto& r : results) {
    if (r.result.report) runs.push_back({r.arm, r.seed, report_scalars(*r.result.report)});
  }
  return summarize(arms, runs);
}

std::vector<ArmSummary> summarize(const std::vector<Arm>& arms,
                                  const std::vector<ArmSeedScalars>& results) {
  if (arms.empty()) return {};
  const std::size_t base = baseline_arm(arms);
  const RunsBySeed baseline_runs = runs_of(base, results);
  std::vector<ArmSummary> table;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const RunsBySeed runs = runs_of(a, results);
    ArmSummary s = summarize_arm(arms[a], runs);
    s.baseline = a == base;
    if (!s.baseline) {
      for (const auto& key : metric_keys()) {
        s.paired.push_back(paired_difference(runs, baseline_runs, arm_id(arms[base]), key));
      }
    }
    table.push_back(std::move(s));
  }
  return table;
}

std::string summary_json(const std::vector<ArmSummary>& table) {
  Json j;
  j["arms"] = Json::array();
  for (const auto& s : table) j["arms"].push_back(arm_json(s));
  const ArmSummary* baseline = baseline_of(table);
  j["baseline"] = baseline ? Json(baseline->code) : Json(nullptr);
  j["test"] = kPairedTest;
  return j.dump(2) + "\n";
}

std::string summary_csv(const std::vector<ArmSummary>& table) {
  const ArmSummary* baseline = baseline_of(table);
  std::string csv = csv_header(table) + "\n";
  for (const auto& s : table) csv += csv_row(s, baseline) + "\n";
  return csv;
}

std::string summary_markdown(const std::vector<ArmSummary>& table) {
  std::ostringstream md;
  markdown_spread_table(md, table);
  md << "\nMean ± sample SD (n - 1) over seeds; 95% intervals in summary.json and summary.csv.\n";
  const ArmSummary* baseline = baseline_of(table);
  if (baseline && table.size() > 1) markdown_paired_table(md, table, *baseline);
  return md.str();
}

}  // namespace moelab
