#include "ablation/ablation_folders.h"

#include <filesystem>
#include <set>
#include <stdexcept>

#include "ablation/comparison_file.h"
#include "config/config_json.h"
#include "io/atomic_file.h"
#include "io/folder_lock.h"
#include "io/run_folder_reader.h"
#include "io/run_status.h"

namespace moelab {

namespace fs = std::filesystem;

namespace {

const char* kSummaryFiles[] = {"summary.json", "summary.csv", "summary.md", "comparison.json"};

}  // namespace

RunConfig ablation_run_config(const AblationPlan& plan, const Arm& arm, std::uint64_t seed) {
  RunConfig config = plan.base;
  config.fixes = arm.fixes;
  config.training.seed = seed;
  config.training.threads = 1;
  return config;
}

std::string ablation_run_folder(const std::string& dir, const Arm& arm, std::uint64_t seed) {
  return (fs::path(dir) / arm_code(arm.fixes) / ("seed-" + std::to_string(seed))).string();
}

void check_ablation_folders(const AblationPlan& plan, const AblationOutput& output) {
  std::set<std::string> folders;
  for (const auto seed : plan.seeds) {
    for (const auto& arm : plan.arms) {
      const auto folder = ablation_run_folder(output.dir, arm, seed);
      if (!folders.insert(folder).second) {
        throw std::invalid_argument("two runs would write into " + folder);
      }
      if (FolderLock::held_elsewhere(folder)) {
        throw std::invalid_argument(folder + ": another run is writing into this folder right now");
      }
      const auto config_file = (fs::path(folder) / "config.json").string();
      std::error_code error;
      if (output.force || !fs::exists(config_file, error)) continue;
      const auto wanted = config_to_json(ablation_run_config(plan, arm, seed));
      if (wanted != config_to_json(load_config_file(config_file))) {
        throw std::invalid_argument(folder + " holds a run with other settings; choose another "
                                    "--out, or --force to train the grid again");
      }
    }
  }
}

std::vector<ArmSeedResult> read_finished_runs(const AblationPlan& plan, const std::string& dir) {
  std::vector<ArmSeedResult> results;
  for (const auto seed : plan.seeds) {
    for (std::size_t a = 0; a < plan.arms.size(); ++a) {
      const auto folder = ablation_run_folder(dir, plan.arms[a], seed);
      if (!run_folder_finished(folder)) continue;
      results.push_back({a, seed, read_run_folder(folder).result});
    }
  }
  return results;
}

std::vector<ArmSummary> write_ablation_summary(const AblationPlan& plan, const std::string& dir) {
  Comparison comparison;
  comparison.base = plan.base;
  comparison.arms = plan.arms;
  comparison.seeds = plan.seeds;
  comparison.results = read_finished_runs(plan, dir);
  const auto summary = summarize(plan.arms, comparison.results);
  const fs::path root(dir);
  write_file_atomically((root / "summary.json").string(), summary_json(summary));
  write_file_atomically((root / "summary.csv").string(), summary_csv(summary));
  write_file_atomically((root / "summary.md").string(), summary_markdown(summary));
  write_file_atomically((root / "comparison.json").string(), comparison_to_json(comparison));
  return summary;
}

void remove_ablation_summary(const std::string& dir) {
  std::error_code error;
  for (const char* name : kSummaryFiles) fs::remove(fs::path(dir) / name, error);
}

}  // namespace moelab
