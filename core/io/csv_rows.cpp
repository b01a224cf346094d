#include "io/csv_rows.h"

#include <charconv>
#include <sstream>

#include "training/loss_term_catalog.h"
#include "util/format.h"

namespace moelab {

namespace {

template <typename T>
std::string join(const std::vector<T>& values, int decimals) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ';';
    out += format_number(static_cast<double>(values[i]), decimals);
  }
  return out;
}

const char* phase_name(Phase phase) { return phase == Phase::Seed ? "seed" : "growth"; }

int leading_integer(const std::string& text) {
  int value = -1;
  const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || ptr != text.data() + text.size()) return -1;
  return value;
}

std::size_t count_commas(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += c == ',' ? 1 : 0;
  return n;
}

}  // namespace

std::string metrics_header() {
  std::ostringstream csv;
  csv << "epoch,phase,step,experts,loss_total";
  for (const auto& term : loss_term_catalog()) csv << ",loss_" << term.name;
  csv << ",train_accuracy,val_accuracy,usage_entropy,sample_entropy,effective_experts,"
         "load_violation,expert_similarity,router_task_grad_norm,dormant,dormant_experts,"
         "utilization,router_task_grad\n";
  return csv.str();
}

std::string steps_header() {
  std::ostringstream csv;
  csv << "step,epoch,phase,wall_seconds,loss_total";
  for (const auto& term : loss_term_catalog()) csv << ",loss_" << term.name;
  csv << ",train_accuracy,usage_entropy,sample_entropy,slot_share\n";
  return csv.str();
}

std::string steps_row(const StepMetrics& s) {
  std::ostringstream csv;
  csv << s.step << ',' << s.epoch << ',' << phase_name(s.phase) << ','
      << format_number(s.wall_seconds) << ',' << format_number(s.loss_total);
  for (std::size_t t = 0; t < loss_term_catalog().size(); ++t) {
    csv << ',' << (t < s.loss_terms.size() ? format_number(s.loss_terms[t]) : "");
  }
  csv << ',' << format_number(s.train_accuracy) << ',' << format_number(s.usage_entropy) << ','
      << format_number(s.sample_entropy) << ',' << join(s.slot_share, 6) << '\n';
  return csv.str();
}

std::string metrics_row(const EpochMetrics& e) {
  std::ostringstream csv;
  csv << e.epoch << ',' << phase_name(e.phase) << ',' << e.step << ',' << e.experts << ','
      << format_number(e.loss_total);
  // A run that diverged at its first step has no term means: the columns stay empty.
  for (std::size_t t = 0; t < loss_term_catalog().size(); ++t) {
    csv << ',' << (t < e.loss_terms.size() ? format_number(e.loss_terms[t]) : "");
  }
  csv << ',' << format_number(e.train_accuracy) << ',' << format_number(e.val_accuracy) << ','
      << format_number(e.usage_entropy) << ',' << format_number(e.sample_entropy) << ','
      << format_number(e.effective_experts) << ',' << format_number(e.load_violation) << ','
      << format_number(e.expert_similarity) << ',' << format_number(e.router_task_grad_norm) << ','
      << e.dormant.size() << ',' << join(e.dormant, 0) << ',' << join(e.utilization, 6) << ','
      << join(e.router_task_grad, 6) << '\n';
  return csv.str();
}

std::string events_header() {
  return "kind,epoch,step,parent,child,val_accuracy_before,val_accuracy_after,"
         "changed_predictions,name,from,to\n";
}

std::string switch_row(const SwitchEvent& e) {
  std::ostringstream csv;
  csv << (is_expert_event(e) ? e.name : std::string("switch")) << ',' << e.epoch << ',' << e.step
      << ",,,,,," << e.name << ',' << e.from << ',' << e.to << '\n';
  return csv.str();
}

std::string split_row(const SplitEvent& e) {
  std::ostringstream csv;
  csv << "split," << e.epoch << ',' << e.step << ',' << e.parent << ',' << e.child << ','
      << format_number(e.val_accuracy_before) << ',' << format_number(e.val_accuracy_after) << ','
      << format_number(e.changed_predictions) << ",,,\n";
  return csv.str();
}

std::string epoch_event_rows(const std::vector<SwitchEvent>& switches,
                             const std::optional<SplitEvent>& split) {
  std::string rows;
  for (const auto& s : switches) rows += switch_row(s);
  if (split) rows += split_row(*split);
  return rows;
}

std::string timing_header() { return "epoch,wall_seconds,samples_per_second\n"; }

std::string timing_row(const EpochMetrics& e) {
  std::ostringstream csv;
  csv << e.epoch << ',' << format_number(e.wall_seconds, 3) << ','
      << format_number(e.samples_per_second, 1) << '\n';
  return csv.str();
}

std::string field_header(int max_experts) {
  std::string header = "epoch";
  for (int e = 0; e < max_experts; ++e) {
    header += ",u_" + std::to_string(e) + ",v_" + std::to_string(e);
  }
  return header + '\n';
}

std::string field_row(const EpochMetrics& m, int max_experts) {
  std::string row = std::to_string(m.epoch);
  for (std::size_t e = 0; e < static_cast<std::size_t>(max_experts); ++e) {
    row += ',';
    if (e < m.field_u.size()) row += format_number(m.field_u[e]);
    row += ',';
    if (e < m.field_v.size()) row += format_number(m.field_v[e]);
  }
  return row + '\n';
}

int epoch_of_row(const std::string& file_name, const std::string& line, const std::string& header) {
  const bool events = file_name == "events.csv";
  const auto expected = !header.empty()             ? header
                        : events                    ? events_header()
                        : file_name == "timing.csv" ? timing_header()
                                                    : metrics_header();
  // Every row has as many fields as the header; a row cut short by a kill has fewer.
  if (line.empty() || count_commas(line) != count_commas(expected)) return -1;
  std::stringstream fields(line);
  std::string field;
  std::getline(fields, field, ',');
  if (events) {
    // Prunes and revivals are their own kinds (switch_row).
    if (field != "switch" && field != "split" && field != kPruneEvent && field != kReviveEvent) {
      return -1;
    }
    std::getline(fields, field, ',');
  }
  return leading_integer(field);
}

}  // namespace moelab
