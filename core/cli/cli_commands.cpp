#include "cli/cli_commands.h"

#include <filesystem>
#include <mutex>

#include "ablation/ablation_runner.h"
#include "cli/progress_printer.h"
#include "data/dataset_loader.h"
#include "io/run_writer.h"
#include "training/trainer.h"
#include "util/cpu_budget.h"
#include "util/format.h"

namespace moelab {

int run_training_command(const CliOptions& options, std::ostream& progress) {
  auto data = load_dataset(options.config.data, options.config.training.seed);
  ProgressPrinter printer(progress, options.quiet);
  Trainer trainer(options.config, std::move(data), &printer);
  const auto result = trainer.run();
  write_run_outputs(options.out_dir, result);
  if (!result.diverged.empty()) {
    // Said even with --quiet: the run did not do what was asked.
    progress << "moelab-cli: training diverged: " << result.diverged << "; NO-GO report in "
             << options.out_dir << "\n";
    return 1;
  }
  if (!options.quiet && result.report) {
    progress << "verdict " << result.report->verdict() << ", test " << percent(result.test_accuracy)
             << " vs seed " << percent(result.seed_test_accuracy) << ", files in "
             << options.out_dir << "\n";
  }
  return 0;
}

int run_ablation_command(const CliOptions& options, std::ostream& table, std::ostream& progress) {
  AblationPlan plan;
  plan.base = options.config;
  plan.arms = parse_arms(options.arms, options.config.fixes);
  for (int i = 0; i < options.seed_count; ++i) {
    plan.seeds.push_back(options.config.training.seed + static_cast<std::uint64_t>(i));
  }
  plan.jobs = options.jobs > 0 ? options.jobs : usable_cpu_count();
  const auto total = plan.arms.size() * plan.seeds.size();
  AblationRunner runner(plan);
  std::mutex output_mutex;
  std::size_t done = 0;
  runner.set_on_run_finished([&](const ArmSeedResult& r) {
    const auto& arm = plan.arms[r.arm];
    const auto folder = std::filesystem::path(options.out_dir) / arm_code(arm.fixes) /
                        ("seed-" + std::to_string(r.seed));
    write_run_outputs(folder.string(), r.result);
    std::lock_guard lock(output_mutex);
    ++done;
    if (!options.quiet && r.result.report) {
      const auto& report = *r.result.report;
      progress << "[" << done << "/" << total << "] " << arm.name << " seed " << r.seed << ": "
               << report.verdict() << ", val " << percent(report.final_val_accuracy) << ", "
               << report.experts << " experts, " << report.dormant.size() << " dormant\n";
    }
  });
  const auto results = runner.run();
  const auto summary = summarize(plan.arms, results);
  const std::filesystem::path dir(options.out_dir);
  write_file_atomically((dir / "summary.json").string(), summary_json(summary));
  write_file_atomically((dir / "summary.csv").string(), summary_csv(summary));
  write_file_atomically((dir / "summary.md").string(), summary_markdown(summary));
  table << summary_markdown(summary);
  return 0;
}

}  // namespace moelab
