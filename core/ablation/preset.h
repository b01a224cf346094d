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

  // `config` with this preset's switches (weights and windows kept).
  RunConfig apply(RunConfig config) const;
};

const std::vector<Preset>& presets();

// Throws std::invalid_argument listing the known ids.
const Preset& find_preset(const std::string& id);

}  // namespace moelab
