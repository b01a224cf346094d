#pragma once
// The switches as events: each field of FixSwitches described once (its name in events.csv, how
// its value is written, and its setting in the catalog, whose label names it to a reader), so that
// the trainer's events, the window's reading of them and what the charts say all agree. Experts
// and splits are named here too, for the same readers.

#include <optional>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "training/run_metrics.h"

namespace moelab {

// The name of the event a scheduled change of the learning rate records.
inline constexpr const char* kLearningRateEvent = "learning_rate";

// One event per field that differs, in a fixed order; epoch and step are left 0.
std::vector<SwitchEvent> diff_switches(const FixSwitches& from, const FixSwitches& to);

// `fixes` with the event's change applied; unchanged for an event that is not one of the fixes
// (a scheduled learning rate).
FixSwitches apply_switch_event(FixSwitches fixes, const SwitchEvent& event);

// The change as a reader says it, in the setting catalog's words: "Entropy loss off",
// "Cooldown epochs 5 -> 2", "Learning rate 0.01 -> 0.003". An event the catalog does not know
// keeps its own name: "name from -> to".
std::string describe_switch_event(const SwitchEvent& event);

// The expert a prune event removed (events.csv writes its index as `from`); none for any other
// event or an index that does not read as one.
std::optional<int> pruned_expert(const SwitchEvent& event);

// An expert as every reader sees it: "e3".
std::string expert_name(int expert);
// A split as a reader says it: "split e2 -> e7".
std::string describe_split_event(const SplitEvent& split);

}  // namespace moelab
