#include "cli/grid_commands.h"

#include <filesystem>
#include <mutex>

#include "ablation/ablation_runner.h"
#include "ablation/grid_command.h"
#include "ablation/grid_folder.h"
#include "ablation/grid_shard.h"
#include "io/run_writer.h"
#include "util/cpu_budget.h"
#include "util/format.h"

namespace moelab {

namespace {

constexpr int kRuntimeError = 1;

AblationPlan plan_of(const CliOptions& options) {
  AblationPlan plan;
  plan.base = options.config;
  plan.arms = parse_arms(options.arms, options.config.fixes);
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

// Trains `runs`, writing each into its folder as it finishes.
void train(const GridFolder& grid, const std::vector<RunKey>& runs, const CliOptions& options,
           std::ostream& progress) {
  AblationRunner runner(grid.plan());
  std::mutex output_mutex;
  std::size_t done = 0;
  runner.set_on_run_finished([&](const ArmSeedResult& r) {
    write_run_outputs(grid.run_folder({r.arm, r.seed}).string(), r.result);
    std::lock_guard lock(output_mutex);
    ++done;
    if (!options.quiet && r.result.report) {
      const auto& report = *r.result.report;
      progress << "[" << done << "/" << runs.size() << "] " << run_name(grid, {r.arm, r.seed})
               << ": " << report.verdict() << ", val " << percent(report.final_val_accuracy) << ", "
               << report.experts << " experts, " << report.dormant.size() << " dormant\n";
    }
  });
  runner.run(runs);
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
                         std::ostream& progress) {
  try {
    const GridFolder grid(std::filesystem::absolute(options.out_dir), plan_of(options));
    grid.claim();
    auto runs = plan_runs(grid.plan());
    if (options.shard) runs = shard_runs(runs, *options.shard);
    const auto left = grid.unfinished(runs);
    if (options.list) {
      for (const auto& run : left) {
        out << run_command_line(program, run_config(grid.plan(), run.arm, run.seed),
                                grid.run_folder(run))
            << "\n";
      }
      return 0;
    }
    if (!options.quiet) {
      const std::string slice = options.shard ? "shard " + std::to_string(options.shard->index) +
                                                    "/" + std::to_string(options.shard->count) + ": "
                                              : std::string();
      progress << slice << runs_text(runs.size()) << ", " << runs.size() - left.size()
               << " finished, " << left.size() << " to run\n";
    }
    train(grid, left, options, progress);
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
