#pragma once
// The switches as events: each field of FixSwitches described once (its name in events.csv and
// how its value is written), so that the trainer's events and the window's reading of them agree.

#include <vector>

#include "config/run_config.h"
#include "training/run_metrics.h"

namespace moelab {

// One event per field that differs, in a fixed order; epoch and step are left 0.
std::vector<SwitchEvent> diff_switches(const FixSwitches& from, const FixSwitches& to);

// `fixes` with the event's change applied; unchanged for an event that is not one of the fixes
// (a scheduled learning rate).
FixSwitches apply_switch_event(FixSwitches fixes, const SwitchEvent& event);

}  // namespace moelab
