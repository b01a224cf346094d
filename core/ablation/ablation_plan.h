#pragma once
// A side-by-side ablation: arms that differ in the three fixes and, when a sweep asks, in the
// values of any other settings, each run over the same seeds. A seed gives every arm the same data
// split and the same initial weights, so arms are paired.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/run_config.h"

namespace moelab {

// One setting's value in an arm, as flags and files write it: {"training.learning_rate", "0.01"}.
struct ArmSetting {
  std::string key;
  std::string value;
  bool operator==(const ArmSetting&) const = default;
};

struct Arm {
  std::string name;  // "all fixes", "cooldown+entropy", "no fixes, growth=schnakenberg", ...
  FixSwitches fixes;
  std::vector<ArmSetting> settings;  // on top of the base, in the order the sweep named them
};

// A swept setting: `moelab-cli ablate --vary KEY=V1,V2,...`.
struct Variation {
  std::string key;
  std::vector<std::string> values;  // as flags write them, checked against the setting's range
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

// The settings of one run of the plan: the base with the arm's switches, its settings and the
// seed, on one thread (runs of a grid run side by side). Every way of running a grid (in one
// process, in shards, as listed commands) trains exactly this.
RunConfig run_config(const AblationPlan& plan, std::size_t arm, std::uint64_t seed);

// `base` with the arm's switches and settings (its seed and threads untouched).
RunConfig arm_config(const RunConfig& base, const Arm& arm);

// `config` with each setting set, as flags write it, through the setting catalog.
RunConfig with_settings(RunConfig config, const std::vector<ArmSetting>& settings);

// The arm with the given switches on (weights and windows from `base`), named after them.
Arm make_arm(bool projection, bool cooldown, bool entropy, const FixSwitches& base);

// "grid" (all 8), "ab" (no fixes vs all fixes), or a comma list of three-letter codes where each
// letter is upper case for on: P(rojection) C(ooldown) E(ntropy), e.g. "pce,PCE,pCe".
// Throws std::invalid_argument naming the bad code, or an arm given twice.
std::vector<Arm> parse_arms(const std::string& spec, const FixSwitches& base);

// The arm's three-letter code, e.g. "PcE".
std::string arm_code(const FixSwitches& fixes);

// What tells the arm apart from every other arm of a grid: its code, then each setting,
// "PcE+training.learning_rate=0.01". Summaries and folders are keyed by it.
std::string arm_id(const Arm& arm);

// Why a sweep may not name `key`, or nullptr when it may.
const char* unsweepable_reason(std::string_view key);

// A sweep of `key` (any setting but the three switches, which are the arms, the seed, which pairs
// the arms, and the threads, one per run in a grid) over `values_text`, "V1,V2,...": each value
// checked against the setting's type and range and written as flags write it. Throws
// std::invalid_argument naming the problem.
Variation parse_variation(const std::string& key, const std::string& values_text);

// Each arm crossed with every combination of the sweeps' values (the first sweep outermost),
// named after both: "all fixes, growth=schnakenberg". No sweeps: the arms as they are.
// Throws std::invalid_argument when two sweeps name the same setting.
std::vector<Arm> cross_arms(const std::vector<Arm>& arms, const std::vector<Variation>& sweeps);

// An arm's setting, checked as parse_variation() checks a value. Throws std::invalid_argument.
ArmSetting arm_setting(const std::string& key, const std::string& value);

// The arm with one more setting, named after it: "all fixes, growth=schnakenberg".
Arm with_setting(Arm arm, ArmSetting setting);

}  // namespace moelab
