#pragma once
// An ablation kept on disk: every run in its own run folder DIR/<code>/seed-<n> (io/run_folder.h),
// written as it trains, and DIR/summary.{json,csv,md} and DIR/comparison.json rebuilt from those
// folders. The same command run again skips the runs whose folder says finished and continues the
// others, so a killed grid loses at most its unfinished epochs.

#include <string>
#include <vector>

#include "ablation/ablation_plan.h"
#include "ablation/ablation_summary.h"

namespace moelab {

struct AblationOutput {
  std::string dir;
  bool force = false;        // train every run again, replacing the folders' runs
  int checkpoint_every = 1;
  std::string resume_command;  // how to continue the grid, for interrupted runs' status
};

// The settings of one run of the plan: the base with the arm's switches and the seed, one thread.
RunConfig ablation_run_config(const AblationPlan& plan, const Arm& arm, std::uint64_t seed);

// DIR/<code>/seed-<n>.
std::string ablation_run_folder(const std::string& dir, const Arm& arm, std::uint64_t seed);

// Refuses, before anything starts, a plan whose runs would share a folder or a folder another
// process is writing into, and one whose folders hold runs of other settings (unless force). Throws std::invalid_argument with one sentence.
void check_ablation_folders(const AblationPlan& plan, const AblationOutput& output);

// The plan's runs whose folders say finished, read back from the folders, in plan order.
std::vector<ArmSeedResult> read_finished_runs(const AblationPlan& plan, const std::string& dir);

// Rebuilds DIR/summary.json, summary.csv, summary.md and comparison.json from the run folders;
// returns the summary.
std::vector<ArmSummary> write_ablation_summary(const AblationPlan& plan, const std::string& dir);

// Removes DIR's summary files, so that an old summary never sits over runs being trained again.
void remove_ablation_summary(const std::string& dir);

}  // namespace moelab
