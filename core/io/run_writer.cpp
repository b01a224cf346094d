#include "io/run_writer.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/config_json.h"
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

}  // namespace

std::string metrics_csv(const RunResult& r) {
  std::ostringstream csv;
  csv << "epoch,phase,step,experts,loss_total";
  for (const auto& term : loss_term_catalog()) csv << ",loss_" << term.name;
  csv << ",train_accuracy,val_accuracy,usage_entropy,sample_entropy,effective_experts,"
         "load_violation,expert_similarity,router_task_grad_norm,dormant,dormant_experts,"
         "utilization,router_task_grad\n";
  for (const auto& e : r.epochs) {
    csv << e.epoch << ',' << phase_name(e.phase) << ',' << e.step << ',' << e.experts << ','
        << format_number(e.loss_total);
    // A run that diverged at its first step has no term means: the columns stay empty.
    for (std::size_t t = 0; t < loss_term_catalog().size(); ++t) {
      csv << ',' << (t < e.loss_terms.size() ? format_number(e.loss_terms[t]) : "");
    }
    csv << ',' << format_number(e.train_accuracy) << ',' << format_number(e.val_accuracy) << ','
        << format_number(e.usage_entropy) << ',' << format_number(e.sample_entropy) << ','
        << format_number(e.effective_experts) << ',' << format_number(e.load_violation) << ','
        << format_number(e.expert_similarity) << ',' << format_number(e.router_task_grad_norm)
        << ',' << e.dormant.size() << ',' << join(e.dormant, 0) << ','
        << join(e.utilization, 6) << ',' << join(e.router_task_grad, 6) << '\n';
  }
  return csv.str();
}

std::string events_csv(const RunResult& r) {
  std::ostringstream csv;
  csv << "kind,epoch,step,parent,child,val_accuracy_before,val_accuracy_after,"
         "changed_predictions,name,from,to\n";
  // Both lists are in time order; merge them by step so the file reads as a timeline.
  std::size_t s = 0, w = 0;
  while (s < r.splits.size() || w < r.switches.size()) {
    const bool take_switch = w < r.switches.size() &&
                             (s == r.splits.size() || r.switches[w].step <= r.splits[s].step);
    if (take_switch) {
      const auto& e = r.switches[w++];
      csv << "switch," << e.epoch << ',' << e.step << ",,,,,," << e.name << ',' << e.from << ','
          << e.to << '\n';
    } else {
      const auto& e = r.splits[s++];
      csv << "split," << e.epoch << ',' << e.step << ',' << e.parent << ',' << e.child << ','
          << format_number(e.val_accuracy_before) << ',' << format_number(e.val_accuracy_after)
          << ',' << format_number(e.changed_predictions) << ",,,\n";
    }
  }
  return csv.str();
}

std::string timing_csv(const RunResult& r) {
  std::ostringstream csv;
  csv << "epoch,wall_seconds,samples_per_second\n";
  for (const auto& e : r.epochs) {
    csv << e.epoch << ',' << format_number(e.wall_seconds, 3) << ','
        << format_number(e.samples_per_second, 1) << '\n';
  }
  return csv.str();
}

void write_file_atomically(const std::string& path, const std::string& content) {
  // A name of its own per process and call: shards of a grid may write the same file at once.
  static std::atomic<unsigned> calls = 0;
  const std::string temporary =
      path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(calls++);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path + ": cannot open for writing");
    out << content;
    out.flush();
    if (!out) throw std::runtime_error(path + ": write failed (disk full?)");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw std::runtime_error(path + ": cannot replace the file");
  }
}

void write_run_outputs(const std::string& dir, const RunResult& result) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) {
    throw std::runtime_error(dir + ": cannot create the output folder");
  }
  const std::filesystem::path folder(dir);
  write_file_atomically((folder / "config.json").string(), config_to_json(result.config));
  write_file_atomically((folder / "metrics.csv").string(), metrics_csv(result));
  write_file_atomically((folder / "events.csv").string(), events_csv(result));
  write_file_atomically((folder / "timing.csv").string(), timing_csv(result));
  if (result.report) {
    write_file_atomically((folder / "report.md").string(), to_markdown(*result.report));
    write_file_atomically((folder / "report.json").string(), to_json(*result.report));
  }
}

}  // namespace moelab
