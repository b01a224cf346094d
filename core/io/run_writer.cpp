#include "io/run_writer.h"

#include "io/csv_rows.h"

namespace moelab {

std::string metrics_csv(const RunResult& r) {
  std::string csv = metrics_header();
  for (const auto& e : r.epochs) csv += metrics_row(e);
  return csv;
}

std::string events_csv(const RunResult& r) {
  std::string csv = events_header();
  // Both lists are in time order; merge them by step so the file reads as a timeline.
  std::size_t s = 0, w = 0;
  while (s < r.splits.size() || w < r.switches.size()) {
    const bool take_switch =
        w < r.switches.size() && (s == r.splits.size() || r.switches[w].step <= r.splits[s].step);
    csv += take_switch ? switch_row(r.switches[w++]) : split_row(r.splits[s++]);
  }
  return csv;
}

std::string steps_csv(const std::vector<StepMetrics>& steps) {
  std::string csv = steps_header();
  for (const auto& s : steps) csv += steps_row(s);
  return csv;
}

std::string timing_csv(const RunResult& r) {
  std::string csv = timing_header();
  for (const auto& e : r.epochs) csv += timing_row(e);
  return csv;
}

std::string field_csv(const RunResult& r) {
  if (r.config.training.growth != Growth::Schnakenberg) return {};
  const int max_experts = r.config.model.max_experts;
  std::string csv = field_header(max_experts);
  for (const auto& e : r.epochs) {
    if (!e.field_u.empty()) csv += field_row(e, max_experts);
  }
  return csv;
}

}  // namespace moelab
