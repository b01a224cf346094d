#pragma once
// Named teaching scenarios: one click in the window, one flag in the CLI. Each sets the three
// switches, and the few other settings its scenario needs, on top of the current experiment and
// says in two lines what to watch for.

#include <string>
#include <vector>

#include "ablation/ablation_plan.h"
#include "config/run_config.h"

namespace moelab {

struct Preset {
  std::string id;           // for --preset
  std::string title;        // for the window
  std::string explanation;  // two lines shown beside the charts
  bool projection_fix = true;
  bool cooldown = true;
  bool entropy_loss = true;
  // Beyond the switches, by key as flags write them; most presets have none.
  std::vector<ArmSetting> settings = {};

  // `fixes` with this preset's three switches (weights and windows kept).
  FixSwitches switches(FixSwitches fixes) const;
  // `config` with this preset's switches and settings (weights, windows and the rest kept).
  RunConfig apply(RunConfig config) const;
  // Takes back what apply() set beyond the switches: each of the preset's settings that still
  // holds the preset's value gets its value in `before` (the config apply() was given); one
  // changed since is kept. The window calls it before the next preset, so that two scenarios
  // chosen one after the other do not mix.
  RunConfig revert(RunConfig config, const RunConfig& before) const;
  // The three switches are this preset's (weights and windows do not count).
  bool matches(const FixSwitches& fixes) const { return switches(fixes) == fixes; }
};

const std::vector<Preset>& presets();

// Throws std::invalid_argument listing the known ids.
const Preset& find_preset(const std::string& id);

}  // namespace moelab
