#include "ablation/ablation_summary.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "util/format.h"

namespace moelab {

namespace {

Spread spread_of(const std::vector<double>& values) {
  if (values.empty()) return {};
  Spread s;
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  for (double v : values) s.mean += v;
  s.mean /= static_cast<double>(values.size());
  for (double v : values) s.sd += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(s.sd / static_cast<double>(values.size()));
  return s;
}

std::string pm(const Spread& s, int decimals, double scale = 1.0) {
  return format_number(s.mean * scale, decimals) + " ± " + format_number(s.sd * scale, decimals);
}

}  // namespace

std::vector<ArmSummary> summarize(const std::vector<Arm>& arms,
                                  const std::vector<ArmSeedResult>& results) {
  std::vector<ArmSummary> table;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    std::vector<double> final_acc, seed_acc, experts, dormant, splits, entropy, similarity;
    int go = 0;
    for (const auto& r : results) {
      if (r.arm != a || !r.result.report) continue;
      const auto& report = *r.result.report;
      final_acc.push_back(report.final_val_accuracy);
      seed_acc.push_back(report.seed_val_accuracy);
      experts.push_back(report.experts);
      dormant.push_back(static_cast<double>(report.dormant.size()));
      splits.push_back(static_cast<double>(report.splits.size()));
      entropy.push_back(r.result.epochs.back().usage_entropy);
      similarity.push_back(r.result.epochs.back().expert_similarity);
      go += report.go ? 1 : 0;
    }
    ArmSummary s;
    s.name = arms[a].name;
    s.code = arm_code(arms[a].fixes);
    s.runs = static_cast<int>(final_acc.size());
    s.final_accuracy = spread_of(final_acc);
    s.seed_accuracy = spread_of(seed_acc);
    s.experts = spread_of(experts);
    s.dormant = spread_of(dormant);
    s.splits = spread_of(splits);
    s.entropy = spread_of(entropy);
    s.expert_similarity = spread_of(similarity);
    s.go_share = s.runs ? static_cast<double>(go) / s.runs : 0.0;
    table.push_back(s);
  }
  return table;
}

std::string summary_csv(const std::vector<ArmSummary>& table) {
  std::ostringstream csv;
  csv << "arm,code,runs";
  for (const char* column : {"final_accuracy", "seed_accuracy", "experts", "dormant", "splits",
                             "router_entropy", "expert_similarity"}) {
    csv << ',' << column << "_mean," << column << "_sd," << column << "_min," << column << "_max";
  }
  csv << ",go_share\n";
  for (const auto& s : table) {
    csv << '"' << s.name << "\"," << s.code << ',' << s.runs;
    for (const Spread* v : {&s.final_accuracy, &s.seed_accuracy, &s.experts, &s.dormant, &s.splits,
                            &s.entropy, &s.expert_similarity}) {
      csv << ',' << format_number(v->mean) << ',' << format_number(v->sd) << ','
          << format_number(v->min) << ',' << format_number(v->max);
    }
    csv << ',' << format_number(s.go_share, 3) << '\n';
  }
  return csv.str();
}

std::string summary_markdown(const std::vector<ArmSummary>& table) {
  std::ostringstream md;
  md << "| Arm | Code | Runs | Final val. acc. (%) | Seed val. acc. (%) | Experts | Dormant | "
        "Splits | Router entropy | Expert similarity | GO |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : table) {
    md << "| " << s.name << " | " << s.code << " | " << s.runs << " | "
       << pm(s.final_accuracy, 2, 100) << " | " << pm(s.seed_accuracy, 2, 100) << " | "
       << pm(s.experts, 1) << " | " << pm(s.dormant, 1) << " | " << pm(s.splits, 1) << " | "
       << pm(s.entropy, 2) << " | " << pm(s.expert_similarity, 2) << " | "
       << format_number(s.go_share * 100, 0) << "% |\n";
  }
  return md.str();
}

}  // namespace moelab
