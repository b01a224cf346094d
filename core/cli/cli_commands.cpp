#include "cli/cli_commands.h"

#include <csignal>
#include <filesystem>
#include <mutex>
#include <thread>

#include "ablation/ablation_folders.h"
#include "ablation/ablation_runner.h"
#include "cli/progress_printer.h"
#include "cli/signal_watcher.h"
#include "data/dataset_loader.h"
#include "io/durable_run.h"
#include "io/folder_lock.h"
#include "util/format.h"

namespace moelab {

namespace {

int interrupted_exit_code(const SignalWatcher* signals) {
  return 128 + (signals && signals->received() ? signals->received() : SIGINT);
}

// The command line that continues an ablation: the same one.
std::string ablation_command_line(const CliOptions& options) {
  return "the same moelab-cli ablate command (finished runs are skipped) on " + options.out_dir;
}

}  // namespace

int run_training_command(const CliOptions& options, std::ostream& progress,
                         SignalWatcher* signals) {
  DurableRunOptions folder;
  folder.checkpoint_every = options.checkpoint_every;
  std::optional<ForkRequest> fork;
  RunConfig config = options.config;
  if (!options.resume_dir.empty()) {
    folder.dir = options.resume_dir;
    folder.mode = FolderMode::Continue;
  } else {
    folder.dir = options.out_dir;
    folder.mode = options.force ? FolderMode::Replace : FolderMode::New;
    if (options.fork) {
      config = fork_config(options.fork_parent, options.fork_epoch, options.config);
      fork = ForkRequest{options.fork_parent, options.fork_epoch};
    }
  }
  DurableRun run(folder, config, fork);
  auto data = load_dataset(run.config().data, run.config().training.seed);
  ProgressPrinter printer(progress, options.quiet);
  TrainingControl control(run.config().fixes);
  if (signals) signals->on_first_signal([&control] { control.request_stop(); });
  const auto result = run.run(std::move(data), &printer, &control);
  if (signals) signals->on_first_signal({});
  if (result.stopped) {
    // Said even with --quiet: the run did not end.
    progress << "moelab-cli: interrupted after epoch " << result.epochs.size()
             << "; continue with: moelab-cli --resume " << run.dir() << "\n";
    return interrupted_exit_code(signals);
  }
  if (!result.diverged.empty()) {
    progress << "moelab-cli: training diverged: " << result.diverged << "; NO-GO report in "
             << run.dir() << "\n";
    return 1;
  }
  if (!options.quiet && result.report) {
    progress << "verdict " << result.report->verdict() << ", test " << percent(result.test_accuracy)
             << " vs seed " << percent(result.seed_test_accuracy) << ", files in " << run.dir()
             << "\n";
  }
  return 0;
}

int run_ablation_command(const CliOptions& options, std::ostream& table, std::ostream& progress,
                         SignalWatcher* signals) {
  AblationPlan plan;
  plan.base = options.config;
  plan.arms = parse_arms(options.arms, options.config.fixes);
  for (int i = 0; i < options.seed_count; ++i) {
    plan.seeds.push_back(options.config.training.seed + static_cast<std::uint64_t>(i));
  }
  plan.jobs = options.jobs > 0 ? options.jobs
                               : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  AblationOutput output;
  output.dir = options.out_dir;
  output.force = options.force;
  output.checkpoint_every = options.checkpoint_every;
  output.resume_command = ablation_command_line(options);

  // Before anything starts: the folder, its lock (one ablation at a time), the runs' folders.
  std::error_code error;
  std::filesystem::create_directories(output.dir, error);
  if (error) throw std::runtime_error(output.dir + ": cannot create the output folder (" + error.message() + ")");
  FolderLock folder_lock(output.dir);
  if (!folder_lock.try_lock()) throw std::runtime_error(output.dir + ": another ablation is writing into this folder right now");
  check_ablation_folders(plan, output);
  remove_ablation_summary(output.dir);

  const auto total = plan.arms.size() * plan.seeds.size();
  AblationRunner runner(plan);
  runner.set_output(output);
  std::mutex output_mutex;
  std::size_t done = 0;
  runner.set_on_run_finished([&](const ArmSeedResult& r) {
    std::lock_guard lock(output_mutex);
    ++done;
    if (!options.quiet && r.result.report) {
      const auto& arm = plan.arms[r.arm];
      const auto& report = *r.result.report;
      progress << "[" << done << "/" << total << "] " << arm.name << " seed " << r.seed << ": "
               << report.verdict() << ", val " << percent(report.final_val_accuracy) << ", "
               << report.experts << " experts, " << report.dormant.size() << " dormant\n";
    }
  });
  if (signals) signals->on_first_signal([&runner] { runner.cancel(); });
  runner.run();
  if (signals) signals->on_first_signal({});
  // From the folders, whatever this call trained or found finished.
  const auto summary = write_ablation_summary(plan, output.dir);
  if (runner.cancelled()) {
    progress << "moelab-cli: interrupted with " << read_finished_runs(plan, output.dir).size()
             << " of " << total << " runs finished; continue with " << ablation_command_line(options)
             << "\n";
    return interrupted_exit_code(signals);
  }
  table << summary_markdown(summary);
  return 0;
}

}  // namespace moelab
