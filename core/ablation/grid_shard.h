#pragma once
// One slice of a grid's runs, for a process among several (a Slurm array task, a shell loop):
// `--shard I/N` runs the I-th of N slices, I from 1. Runs are dealt round-robin in the plan's
// seed-major order, so every slice holds a mix of arms (a grid's arms differ in run time).

#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ablation/ablation_plan.h"

namespace moelab {

struct GridShard {
  int index = 1;  // 1..count
  int count = 1;

  bool operator==(const GridShard&) const = default;
};

// Reads "I/N", or "slurm": this Slurm array task's slice, from SLURM_ARRAY_TASK_ID,
// SLURM_ARRAY_TASK_MIN (the array's first id, 0 or 1 or any) and SLURM_ARRAY_TASK_COUNT. Throws
// std::invalid_argument with one sentence. `environment` looks a variable up (tests pass their
// own).
using Environment = std::function<const char*(const char* name)>;
GridShard parse_grid_shard(const std::string& text, const Environment& environment = std::getenv);

// The runs of `runs` (in plan order) that belong to the shard.
std::vector<RunKey> shard_runs(const std::vector<RunKey>& runs, const GridShard& shard);

}  // namespace moelab
