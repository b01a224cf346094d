#pragma once
// A side-by-side ablation: arms that differ only in the three fixes, each run over the same seeds.
// A seed gives every arm the same data split and the same initial weights, so arms are paired.

#include <cstdint>
#include <string>
#include <vector>

#include "config/run_config.h"

namespace moelab {

struct Arm {
  std::string name;  // "all fixes", "cooldown+entropy", "no fixes", ...
  FixSwitches fixes;
};

struct AblationPlan {
  RunConfig base;
  std::vector<Arm> arms;
  std::vector<std::uint64_t> seeds;
  int jobs = 1;  // runs at once; each run is single-threaded
};

// One run of a plan: an arm (index into plan.arms) and a seed.
struct RunKey {
  std::size_t arm = 0;
  std::uint64_t seed = 0;
  bool operator==(const RunKey&) const = default;
};

// Every run of the plan, seed-major: the first runs to finish cover every arm, so a table is
// useful early, and slices of the list (shards) each hold a mix of arms.
std::vector<RunKey> plan_runs(const AblationPlan& plan);

// The settings of one run of the plan: the base with the arm's switches and the seed, on one
// thread (runs of a grid run side by side). Every way of running a grid (in one process, in
// shards, as listed commands) trains exactly this.
RunConfig run_config(const AblationPlan& plan, std::size_t arm, std::uint64_t seed);

// The arm with the given switches on (weights and windows from `base`), named after them.
Arm make_arm(bool projection, bool cooldown, bool entropy, const FixSwitches& base);

// "grid" (all 8), "ab" (no fixes vs all fixes), or a comma list of three-letter codes where each
// letter is upper case for on: P(rojection) C(ooldown) E(ntropy), e.g. "pce,PCE,pCe".
// Throws std::invalid_argument naming the bad code, or an arm given twice.
std::vector<Arm> parse_arms(const std::string& spec, const FixSwitches& base);

// The arm's three-letter code, e.g. "PcE".
std::string arm_code(const FixSwitches& fixes);

}  // namespace moelab
