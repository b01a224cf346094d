#pragma once
// A lesson's planned changes, and where a forked run came from. Both live in the experiment file
// (config.json's "schedule" and "fork") so that the file alone replays the run.
//
// A schedule entry changes some of the fixes and/or the learning rate at the start of epoch N
// (before its first step), or, for a flip recorded in the window, at the exact global step where
// it took effect. The trainer applies each entry like a hand flip: every change is a switch event.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moelab {

struct FixSwitches;
struct RunConfig;

struct ScheduleEntry {
  int epoch = 1;
  // A recorded flip: the global step (1-based, inside `epoch`) it took effect at. Planned entries
  // have none and apply at the epoch's first step.
  std::optional<std::int64_t> step;
  // A partial "fixes" object of the experiment file, as JSON text; "{}" changes no fix.
  std::string fixes = "{}";
  std::optional<double> learning_rate;
  std::string note;  // why the entry is there, e.g. a flip recorded in the window
};

using Schedule = std::vector<ScheduleEntry>;

// config.json of a fork: the parent run folder and the epoch whose end the fork starts from.
struct ForkOrigin {
  std::string parent;
  int at_epoch = 0;
};

// `current` with the entry's partial fixes applied. Throws std::invalid_argument naming
// `source` and the bad key.
FixSwitches apply_fixes_patch(const FixSwitches& current, const std::string& patch,
                              const std::string& source);

// The partial fixes object that turns `from` into `to` ("{}" when they are equal).
std::string fixes_patch(const FixSwitches& from, const FixSwitches& to);

// The entries in the order they take effect (epoch, then step; planned before recorded), ties
// kept in file order.
Schedule in_time_order(Schedule schedule);

// Each entry within the run's epochs, a valid partial fixes object, a valid learning rate. Throws
// std::invalid_argument naming the entry ("schedule[2].epoch ...").
void validate_schedule(const RunConfig& config);

}  // namespace moelab
