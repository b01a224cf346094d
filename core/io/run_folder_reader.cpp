#include "io/run_folder_reader.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "config/config_json.h"
#include "io/atomic_file.h"
#include "io/run_folder.h"
#include "report/report_reader.h"
#include "training/loss_term_catalog.h"

namespace moelab {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

double to_number(const std::string& text) { return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr); }

template <typename T>
std::vector<T> numbers(const std::string& text) {
  std::vector<T> out;
  if (text.empty()) return out;
  for (const auto& part : split(text, ';')) out.push_back(static_cast<T>(to_number(part)));
  return out;
}

// The columns of a CSV row, by the header's names.
class Row {
 public:
  Row(const std::vector<std::string>& names, const std::string& line) : values_(split(line, ',')) {
    for (std::size_t i = 0; i < names.size(); ++i) index_[names[i]] = i;
  }
  const std::string& operator[](const std::string& name) const {
    static const std::string none;
    const auto found = index_.find(name);
    return found == index_.end() || found->second >= values_.size() ? none : values_[found->second];
  }

 private:
  std::vector<std::string> values_;
  std::map<std::string, std::size_t> index_;
};

std::vector<std::string> header_names(const std::string& dir, const char* file) {
  const auto text = read_file((fs::path(dir) / file).string());
  return split(text.substr(0, text.find('\n')), ',');
}

EpochMetrics epoch_from(const Row& r) {
  EpochMetrics m;
  m.epoch = std::atoi(r["epoch"].c_str());
  m.phase = r["phase"] == "seed" ? Phase::Seed : Phase::Growth;
  m.step = std::atoll(r["step"].c_str());
  m.experts = std::atoi(r["experts"].c_str());
  m.loss_total = to_number(r["loss_total"]);
  for (const auto& term : loss_term_catalog()) {
    m.loss_terms.push_back(to_number(r["loss_" + std::string(term.name)]));
  }
  m.train_accuracy = to_number(r["train_accuracy"]);
  m.val_accuracy = to_number(r["val_accuracy"]);
  m.usage_entropy = to_number(r["usage_entropy"]);
  m.sample_entropy = to_number(r["sample_entropy"]);
  m.effective_experts = to_number(r["effective_experts"]);
  m.load_violation = to_number(r["load_violation"]);
  m.expert_similarity = to_number(r["expert_similarity"]);
  m.router_task_grad_norm = to_number(r["router_task_grad_norm"]);
  m.dormant = numbers<int>(r["dormant_experts"]);
  m.utilization = numbers<float>(r["utilization"]);
  m.router_task_grad = numbers<float>(r["router_task_grad"]);
  return m;
}

}  // namespace

RunFolderContents read_run_folder(const std::string& dir) {
  RunFolderContents c;
  const auto status = read_run_status(dir);
  if (!status) throw FileError(dir + ": not a run folder (no status.json)");
  c.status = *status;
  auto& r = c.result;
  r.config = load_config_file((fs::path(dir) / RunFiles::config).string());
  const auto metric_names = header_names(dir, RunFiles::metrics);
  for (const auto& [epoch, line] : RunFolder::rows(dir, RunFiles::metrics)) {
    r.epochs.push_back(epoch_from(Row(metric_names, line)));
    r.accuracy_history.push_back(r.epochs.back().val_accuracy);
  }
  const auto timing_names = header_names(dir, RunFiles::timing);
  for (const auto& [epoch, line] : RunFolder::rows(dir, RunFiles::timing)) {
    const Row row(timing_names, line);
    for (auto& m : r.epochs) {
      if (m.epoch != epoch) continue;
      m.wall_seconds = to_number(row["wall_seconds"]);
      m.samples_per_second = to_number(row["samples_per_second"]);
    }
  }
  std::error_code missing;
  if (fs::exists(fs::path(dir) / RunFiles::field, missing)) {
    const auto field_names = header_names(dir, RunFiles::field);
    for (const auto& [epoch, line] : RunFolder::rows(dir, RunFiles::field)) {
      const Row row(field_names, line);
      for (auto& m : r.epochs) {
        if (m.epoch != epoch) continue;
        // Experts 0 .. experts - 1 existed after this epoch; the cells after them are empty.
        for (int e = 0; e < m.experts; ++e) {
          m.field_u.push_back(to_number(row["u_" + std::to_string(e)]));
          m.field_v.push_back(to_number(row["v_" + std::to_string(e)]));
        }
        m.field_threshold = r.config.training.field.threshold;
      }
    }
  }
  const auto event_names = header_names(dir, RunFiles::events);
  for (const auto& [epoch, line] : RunFolder::rows(dir, RunFiles::events)) {
    const Row row(event_names, line);
    if (row["kind"] == "split") {
      SplitEvent s;
      s.epoch = epoch;
      s.step = std::atoll(row["step"].c_str());
      s.parent = std::atoi(row["parent"].c_str());
      s.child = std::atoi(row["child"].c_str());
      s.val_accuracy_before = to_number(row["val_accuracy_before"]);
      s.val_accuracy_after = to_number(row["val_accuracy_after"]);
      s.changed_predictions = to_number(row["changed_predictions"]);
      r.splits.push_back(s);
    } else {
      r.switches.push_back({epoch, std::atoll(row["step"].c_str()), row["name"], row["from"], row["to"]});
    }
  }
  const auto report_file = (fs::path(dir) / RunFiles::report_json).string();
  std::error_code error;
  if (fs::exists(report_file, error)) {
    try {
      r.report = phase_report_from_json(read_file(report_file), report_file);
    } catch (const std::invalid_argument& e) {
      throw FileError(e.what());
    }
    r.seed_val_accuracy = r.report->seed_val_accuracy;
    r.seed_test_accuracy = r.report->seed_test_accuracy;
    r.test_accuracy = r.report->test_accuracy;
    r.diverged = r.report->diverged;
  }
  if (!r.epochs.empty()) r.wall_seconds = r.epochs.back().wall_seconds;
  r.final_fixes = r.config.fixes;
  for (const auto& entry : in_time_order(r.config.schedule)) {
    r.final_fixes = apply_fixes_patch(r.final_fixes, entry.fixes, "schedule");
  }
  r.stopped = c.status.state != RunState::Finished;
  return c;
}

}  // namespace moelab
