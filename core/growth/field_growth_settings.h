#pragma once
// The settings of growth by pattern (field_growth_policy.h): the Schnakenberg field's parameters
// and how the field is coupled to training. Plain values, so that a run's settings
// (config/run_config.h) can hold them without the policy.

#include <string>

#include "growth/schnakenberg_field.h"

namespace moelab {

struct FieldGrowthSettings {
  SchnakenbergParameters field;
  int steps_per_epoch = 200;  // Euler steps of the field per training epoch (time 1 at dt 0.005)
  double coupling = 3.0;
  double threshold = 1.5;     // u* = a + b = 1 at the defaults
};

// Empty when the settings can run; otherwise one sentence why not: schnakenberg_problem()'s (the
// Turing regime and a stable step), a threshold not above the steady state (every expert would
// split at once), or no field step per epoch.
std::string field_growth_problem(const FieldGrowthSettings& settings);

}  // namespace moelab
