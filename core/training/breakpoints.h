#pragma once
// Breakpoints for a lesson: moments worth pausing a run to explain, found in what the run reports
// (the first split, an expert going dormant, the router's entropy falling below a threshold, a
// switch flipped), each with a caption a teacher can read out. Each kind is described once here;
// the window's menu, its settings and the tests take them from breakpoint_catalog().
//
// Breakpoints only watch: the caller pauses the run when one fires. The window's worker does so
// on the training thread, before the next step, so a run stops right after the epoch (or the
// split, or the switch) that fired, however fast it trains.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "training/run_metrics.h"

namespace moelab {

enum class BreakpointKind { FirstSplit, ExpertDormant, EntropyLow, SwitchFlip };

struct BreakpointInfo {
  BreakpointKind kind;
  const char* key;   // its settings key: "first_split"
  const char* name;  // its menu entry: "The first split"
  const char* help;  // one sentence: when it pauses
};
const std::vector<BreakpointInfo>& breakpoint_catalog();
const BreakpointInfo& breakpoint_info(BreakpointKind kind);

// Which breakpoints are on, and the entropy threshold. Plain value: it crosses threads.
struct BreakpointSettings {
  static constexpr double kDefaultEntropyThreshold = 0.6;
  std::array<bool, 4> on{};                             // by BreakpointKind
  double entropy_threshold = kDefaultEntropyThreshold;  // normalised usage entropy, 0 to 1

  bool enabled(BreakpointKind kind) const { return on[static_cast<std::size_t>(kind)]; }
  void set(BreakpointKind kind, bool enabled) { on[static_cast<std::size_t>(kind)] = enabled; }
  bool any() const;
};

struct BreakpointHit {
  BreakpointKind kind = BreakpointKind::FirstSplit;
  int epoch = 0;        // the epoch after which the run pauses
  std::string caption;  // what happened and why it matters, in two sentences or so
};

class Breakpoints {
 public:
  // Each returns the hit when an enabled breakpoint fires on the report. A breakpoint that is off
  // still follows the run, so that turning it on later does not fire on old news (an expert that
  // has been dormant for ten epochs).
  std::optional<BreakpointHit> on_epoch(const EpochMetrics& epoch, const BreakpointSettings& s);
  std::optional<BreakpointHit> on_split(const SplitEvent& split, const BreakpointSettings& s);
  std::optional<BreakpointHit> on_switch(const SwitchEvent& change, const BreakpointSettings& s);

 private:
  bool split_seen_ = false;
  std::vector<int> dormant_;  // dormant after the last epoch
  bool entropy_low_ = false;  // below the threshold after the last epoch
};

}  // namespace moelab
