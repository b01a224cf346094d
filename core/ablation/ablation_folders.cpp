#include "ablation/ablation_folders.h"

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string_view>

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

// The arm's id as one folder name: a swept text setting (a data folder) may hold a '/'.
std::string folder_name(const Arm& arm) {
  std::string name = arm_id(arm);
  for (char& c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("._=+-").find(c) != std::string_view::npos;
    if (!safe) c = '_';
  }
  return name;
}

}  // namespace

std::string ablation_run_folder(const std::string& dir, const Arm& arm, std::uint64_t seed) {
  return (fs::path(dir) / folder_name(arm) / ("seed-" + std::to_string(seed))).string();
}

void check_ablation_folders(const AblationPlan& plan, const std::vector<RunKey>& runs,
                            const AblationOutput& output) {
  std::set<std::string> folders;
  for (const auto& run : plan_runs(plan)) {
    const auto folder = ablation_run_folder(output.dir, plan.arms[run.arm], run.seed);
    if (!folders.insert(folder).second) {
      throw std::invalid_argument("two runs would write into " + folder);
    }
  }
  for (const auto& run : runs) {
    const auto folder = ablation_run_folder(output.dir, plan.arms[run.arm], run.seed);
    if (FolderLock::held_elsewhere(folder)) {
      throw std::invalid_argument(folder + ": another run is writing into this folder right now");
    }
    const auto config_file = (fs::path(folder) / "config.json").string();
    std::error_code error;
    if (output.force || !fs::exists(config_file, error)) continue;
    if (config_to_json(run_config(plan, run.arm, run.seed)) !=
        config_to_json(load_config_file(config_file))) {
      throw std::invalid_argument(folder + " holds a run with other settings; choose another "
                                  "--out, or --force to train the grid again");
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

void write_ablation_comparison(const AblationPlan& plan, const std::string& dir) {
  Comparison comparison;
  comparison.base = plan.base;
  comparison.arms = plan.arms;
  comparison.seeds = plan.seeds;
  comparison.results = read_finished_runs(plan, dir);
  write_file_atomically((fs::path(dir) / "comparison.json").string(),
                        comparison_to_json(comparison));
}

void remove_ablation_summary(const std::string& dir) {
  std::error_code error;
  for (const char* name : kSummaryFiles) fs::remove(fs::path(dir) / name, error);
}

}  // namespace moelab
