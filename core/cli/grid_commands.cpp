#include "cli/grid_commands.h"

#include <filesystem>
#include <mutex>

#include "ablation/ablation_folders.h"
#include "ablation/ablation_runner.h"
#include "ablation/grid_command.h"
#include "ablation/grid_folder.h"
#include "ablation/grid_shard.h"
#include "cli/signal_watcher.h"
#include "io/run_status.h"
#include "util/cpu_budget.h"
#include "util/format.h"

namespace moelab {

namespace {

constexpr int kRuntimeError = 1;

AblationPlan plan_of(const CliOptions& options) {
  AblationPlan plan;
  plan.base = options.config;
  plan.arms = cross_arms(parse_arms(options.arms, options.config.fixes), options.variations);
  for (int i = 0; i < options.seed_count; ++i) {
    plan.seeds.push_back(options.config.training.seed + static_cast<std::uint64_t>(i));
  }
  plan.jobs = options.jobs > 0 ? options.jobs : usable_cpu_count();
  return plan;
}

std::string runs_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " run" : " runs");
}

std::string run_name(const GridFolder& grid, const RunKey& run) {
  return grid.plan().arms[run.arm].name + " seed " + std::to_string(run.seed);
}

// The runs' folders: each kept as it trains, so a killed grid loses at most unfinished epochs.
AblationOutput output_of(const GridFolder& grid, const CliOptions& options) {
  AblationOutput output;
  output.dir = grid.dir().string();
  output.force = options.force;
  output.checkpoint_every = options.checkpoint_every;
  output.resume_command =
      "the same moelab-cli ablate command (finished runs are skipped) on " + options.out_dir;
  return output;
}

// Trains `runs`, each in its folder as it goes. False when a signal stopped it.
bool train(const GridFolder& grid, const std::vector<RunKey>& runs, const CliOptions& options,
           std::ostream& progress, SignalWatcher* signals) {
  AblationRunner runner(grid.plan());
  runner.set_output(output_of(grid, options));
  std::mutex output_mutex;
  std::size_t done = 0;
  runner.set_on_run_finished([&](const ArmSeedResult& r) {
    std::lock_guard lock(output_mutex);
    ++done;
    if (!options.quiet && r.result.report) {
      const auto& report = *r.result.report;
      progress << "[" << done << "/" << runs.size() << "] " << run_name(grid, {r.arm, r.seed})
               << ": " << report.verdict() << ", val " << percent(report.final_val_accuracy) << ", "
               << report.experts << " experts, " << report.dormant.size() << " dormant\n";
    }
  });
  if (signals) signals->on_first_signal([&runner] { runner.cancel(); });
  runner.run(runs);
  if (signals) signals->on_first_signal({});
  return !runner.cancelled();
}

// How to train one run the grid lacks by itself: the continuation of an interrupted run, or the
// run from scratch (replacing a folder that says finished but lost its report).
std::string command_for(const GridFolder& grid, const RunKey& run, const std::string& program) {
  const auto folder = grid.run_folder(run);
  const auto status = read_run_status(folder.string());
  if (status && status->state != RunState::Finished) {
    return shell_word(program) + " --resume " + shell_word(folder.string());
  }
  const auto command =
      run_command_line(program, run_config(grid.plan(), run.arm, run.seed), folder);
  return status ? command + " --force" : command;
}

// Writes the summary and says which runs it lacks. Returns the exit status.
int summarize_grid(const GridFolder& grid, std::ostream& out, std::ostream& progress) {
  std::vector<RunKey> missing;
  const auto summary = grid.write_summary(&missing);
  out << summary_markdown(summary);
  if (missing.empty()) return 0;
  const auto total = plan_runs(grid.plan()).size();
  progress << "moelab-cli: " << missing.size() << " of " << runs_text(total) << " in "
           << grid.dir().string()
           << " have no complete report.json (first: " << grid.run_folder(missing.front()).string()
           << "); the summary covers the " << total - missing.size()
           << " that have. Run what is missing (ablate --list or "
           << "--shard) and summarize again.\n";
  return kRuntimeError;
}

}  // namespace

int run_ablation_command(const CliOptions& options, const std::string& program, std::ostream& out,
                         std::ostream& progress, SignalWatcher* signals) {
  try {
    const GridFolder grid(std::filesystem::absolute(options.out_dir), plan_of(options));
    grid.claim();
    auto runs = plan_runs(grid.plan());
    if (options.shard) runs = shard_runs(runs, *options.shard);
    const auto left = options.force ? runs : grid.unfinished(runs);
    if (options.list) {
      for (const auto& run : left) out << command_for(grid, run, program) << "\n";
      return 0;
    }
    check_ablation_folders(grid.plan(), left, output_of(grid, options));
    // Rebuilt at the end from the folders: an old summary never sits over runs trained again.
    if (!left.empty()) remove_ablation_summary(grid.dir().string());
    if (!options.quiet) {
      const std::string slice = options.shard ? "shard " + std::to_string(options.shard->index) +
                                                    "/" + std::to_string(options.shard->count) + ": "
                                              : std::string();
      progress << slice << runs_text(runs.size()) << ", " << runs.size() - left.size()
               << " finished, " << left.size() << " to run\n";
    }
    if (!train(grid, left, options, progress, signals)) {
      // Said even with --quiet: the grid did not end.
      progress << "moelab-cli: interrupted with " << runs.size() - grid.unfinished(runs).size()
               << " of " << runs_text(runs.size())
               << " finished; continue with the same command (finished runs are skipped)\n";
      return interrupted_exit_code(signals);
    }
    // A shard leaves the summary to `summarize`: shards finish in any order.
    if (options.shard) return 0;
    return summarize_grid(grid, out, progress);
  } catch (const GridError& e) {
    progress << "moelab-cli: " << e.what() << "\n";
    return kRuntimeError;
  }
}

int run_summarize_command(const CliOptions& options, std::ostream& out, std::ostream& progress) {
  try {
    return summarize_grid(GridFolder::open(options.summarize_dir), out, progress);
  } catch (const GridError& e) {
    progress << "moelab-cli: " << e.what() << "\n";
    return kRuntimeError;
  }
}

}  // namespace moelab
