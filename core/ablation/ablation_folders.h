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

// DIR/<code>/seed-<n>.
std::string ablation_run_folder(const std::string& dir, const Arm& arm, std::uint64_t seed);

// Refuses, before anything starts, a plan whose runs would share a folder, and `runs` (the runs
// this process is about to train) when another process is writing into one of their folders or
// a folder holds a run of other settings (unless force). Throws std::invalid_argument with one
// sentence.
void check_ablation_folders(const AblationPlan& plan, const std::vector<RunKey>& runs,
                            const AblationOutput& output);

// The plan's runs whose folders say finished, read back from the folders, in plan order.
std::vector<ArmSeedResult> read_finished_runs(const AblationPlan& plan, const std::string& dir);

// DIR/comparison.json from the run folders: the file the window's comparison opens.
void write_ablation_comparison(const AblationPlan& plan, const std::string& dir);

// Removes DIR's summary files, so that an old summary never sits over runs being trained again.
void remove_ablation_summary(const std::string& dir);

}  // namespace moelab
