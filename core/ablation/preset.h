#pragma once
// Named teaching scenarios: one click in the window, one flag in the CLI. Each sets the three
// switches on top of the default experiment and says in two lines what to watch for.

#include <string>
#include <vector>

#include "config/run_config.h"

namespace moelab {

struct Preset {
  std::string id;           // for --preset
  std::string title;        // for the window
  std::string explanation;  // two lines shown beside the charts
  bool projection_fix = true;
  bool cooldown = true;
  bool entropy_loss = true;

  // `fixes` with this preset's three switches (weights and windows kept).
  FixSwitches switches(FixSwitches fixes) const;
  // `config` with this preset's switches.
  RunConfig apply(RunConfig config) const;
  // The three switches are this preset's (weights and windows do not count).
  bool matches(const FixSwitches& fixes) const { return switches(fixes) == fixes; }
};

const std::vector<Preset>& presets();

// Throws std::invalid_argument listing the known ids.
const Preset& find_preset(const std::string& id);

}  // namespace moelab
