#include "report/phase_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "util/format.h"

namespace moelab {

namespace {

Criterion accuracy_criterion(double seed_accuracy, double final_accuracy) {
  Criterion c{"accuracy_not_below_seed", final_accuracy >= seed_accuracy, final_accuracy, ""};
  c.detail = "final validation accuracy " + percent(final_accuracy) + " vs seed " +
             percent(seed_accuracy);
  return c;
}

Criterion dormant_criterion(const std::vector<int>& dormant, int experts, double threshold) {
  Criterion c{"no_dormant_experts", dormant.empty(), static_cast<double>(dormant.size()), ""};
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
  Criterion c{"one_split_per_cooldown", gap >= window, gap, ""};
  c.detail = std::to_string(splits.size()) + " splits, " +
             (splits.size() < 2 ? std::string("no two to compare")
                                : "closest " + format_number(gap, 0) + " epochs apart") +
             " (window " + std::to_string(window) + ")";
  return c;
}

}  // namespace

PhaseReport make_phase_report(const PhaseReportInputs& in) {
  if (in.accuracy_history.empty()) {
    throw std::invalid_argument("phase report: the accuracy history is empty");
  }
  PhaseReport report;
  report.seed_val_accuracy = in.seed_val_accuracy;
  report.final_val_accuracy = in.accuracy_history.back();
  report.growth_epochs =
      std::max(0, static_cast<int>(in.accuracy_history.size()) - in.seed_epochs);
  report.experts = in.last_epoch.experts;
  report.dormant = in.last_epoch.dormant;
  report.utilization = in.last_epoch.utilization;
  report.splits = in.splits;
  report.cooldown_window = in.cooldown_window;
  report.dormant_threshold = in.dormant_threshold;
  report.criteria = {
      accuracy_criterion(report.seed_val_accuracy, report.final_val_accuracy),
      dormant_criterion(report.dormant, report.experts, in.dormant_threshold),
      split_criterion(report.splits, in.cooldown_window)};
  report.go = std::all_of(report.criteria.begin(), report.criteria.end(),
                          [](const Criterion& c) { return c.passed; });
  return report;
}

std::string to_markdown(const PhaseReport& r) {
  std::ostringstream md;
  md << "# Phase 1: MoE growth results\n\n";
  md << "**Verdict: " << r.verdict() << "**\n\n";
  md << "| Criterion | Result | Measured |\n|---|---|---|\n";
  for (const auto& c : r.criteria) {
    md << "| " << c.name << " | " << (c.passed ? "pass" : "FAIL") << " | " << c.detail << " |\n";
  }
  md << "\n- Seed validation accuracy: " << percent(r.seed_val_accuracy) << "\n";
  md << "- Final validation accuracy: " << percent(r.final_val_accuracy) << " after "
     << r.growth_epochs << " growth epochs\n";
  md << "- Experts: " << r.experts << ", dormant: " << r.dormant.size() << "\n";
  md << "\n## Utilisation (share of validation samples routed to each expert in top-k)\n\n";
  md << "| Expert | Utilisation | State |\n|---|---|---|\n";
  for (std::size_t e = 0; e < r.utilization.size(); ++e) {
    const bool dormant = std::find(r.dormant.begin(), r.dormant.end(), static_cast<int>(e)) !=
                         r.dormant.end();
    md << "| e" << e << " | " << percent(r.utilization[e]) << " | "
       << (dormant ? "dormant" : "active") << " |\n";
  }
  md << "\n## Splits\n\n";
  if (r.splits.empty()) md << "No split.\n";
  for (const auto& s : r.splits) {
    md << "- epoch " << s.epoch << " (step " << s.step << "): e" << s.parent << " -> e" << s.child
       << "\n";
  }
  return md.str();
}

std::string to_json(const PhaseReport& r) {
  nlohmann::ordered_json j;
  j["verdict"] = r.verdict();
  j["seed_val_accuracy"] = r.seed_val_accuracy;
  j["final_val_accuracy"] = r.final_val_accuracy;
  j["growth_epochs"] = r.growth_epochs;
  j["experts"] = r.experts;
  j["dormant"] = r.dormant.size();
  j["dormant_experts"] = r.dormant;
  j["dormant_threshold"] = r.dormant_threshold;
  j["cooldown_window"] = r.cooldown_window;
  j["utilization"] = r.utilization;
  j["splits"] = nlohmann::ordered_json::array();
  for (const auto& s : r.splits) {
    j["splits"].push_back({{"epoch", s.epoch}, {"step", s.step}, {"parent", s.parent},
                           {"child", s.child}});
  }
  j["criteria"] = nlohmann::ordered_json::array();
  for (const auto& c : r.criteria) {
    // Infinity (no two splits to compare) is not JSON: write null.
    nlohmann::ordered_json value = std::isfinite(c.value) ? nlohmann::ordered_json(c.value)
                                                          : nlohmann::ordered_json(nullptr);
    j["criteria"].push_back(
        {{"name", c.name}, {"passed", c.passed}, {"value", value}, {"detail", c.detail}});
  }
  return j.dump(2) + "\n";
}

}  // namespace moelab
