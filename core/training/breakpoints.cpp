#include "training/breakpoints.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <stdexcept>

#include "training/switch_events.h"

namespace moelab {

namespace {

std::string expert_list(const std::vector<int>& experts) {
  std::string text;
  for (std::size_t i = 0; i < experts.size(); ++i) {
    if (i > 0) text += i + 1 == experts.size() ? " and " : ", ";
    text += expert_name(experts[i]);
  }
  return text;
}

}  // namespace

const std::vector<BreakpointInfo>& breakpoint_catalog() {
  static const std::vector<BreakpointInfo> catalog = {
      {BreakpointKind::FirstSplit, "first_split", "The first split",
       "Pauses after the run's first split."},
      {BreakpointKind::ExpertDormant, "expert_dormant", "An expert goes dormant",
       "Pauses after an epoch in which an expert fell under the dormant threshold."},
      {BreakpointKind::EntropyLow, "entropy_low", "Router entropy falls low",
       "Pauses after the epoch in which the router's normalised entropy fell below the "
       "threshold."},
      {BreakpointKind::SwitchFlip, "switch_flip", "A switch is flipped",
       "Pauses when one of the three fixes is switched during the run."},
  };
  return catalog;
}

const BreakpointInfo& breakpoint_info(BreakpointKind kind) {
  for (const BreakpointInfo& info : breakpoint_catalog()) {
    if (info.kind == kind) return info;
  }
  throw std::logic_error("breakpoint_info: a kind missing from the catalog");
}

bool BreakpointSettings::any() const {
  return std::any_of(on.begin(), on.end(), [](bool b) { return b; });
}

std::optional<BreakpointHit> Breakpoints::on_epoch(const EpochMetrics& epoch,
                                                   const BreakpointSettings& s) {
  std::vector<int> newly_dormant;
  for (int e : epoch.dormant) {
    if (std::find(dormant_.begin(), dormant_.end(), e) == dormant_.end()) {
      newly_dormant.push_back(e);
    }
  }
  dormant_ = epoch.dormant;
  const bool was_low = entropy_low_;
  entropy_low_ = epoch.usage_entropy < s.entropy_threshold;

  if (s.enabled(BreakpointKind::ExpertDormant) && !newly_dormant.empty()) {
    const bool one = newly_dormant.size() == 1;
    return BreakpointHit{
        BreakpointKind::ExpertDormant, epoch.epoch,
        fmt::format("Epoch {}: {} {} {} gone dormant: almost no sample is routed to {} any "
                    "more. A dormant expert gets almost no gradient, so it cannot win samples "
                    "back on its own; that is what load balancing is for.",
                    epoch.epoch, one ? "expert" : "experts", expert_list(newly_dormant),
                    one ? "has" : "have", one ? "it" : "them")};
  }
  if (s.enabled(BreakpointKind::EntropyLow) && entropy_low_ && !was_low) {
    return BreakpointHit{
        BreakpointKind::EntropyLow, epoch.epoch,
        fmt::format("Epoch {}: the router's entropy fell to {:.2f}, below {:.2f}: it sends most "
                    "samples to a few experts ({:.1f} effective experts of {}). This is what a "
                    "collapse looks like.",
                    epoch.epoch, epoch.usage_entropy, s.entropy_threshold, epoch.effective_experts,
                    epoch.experts)};
  }
  return std::nullopt;
}

std::optional<BreakpointHit> Breakpoints::on_split(const SplitEvent& split,
                                                   const BreakpointSettings& s) {
  const bool first = !split_seen_;
  split_seen_ = true;
  if (!first || !s.enabled(BreakpointKind::FirstSplit)) return std::nullopt;
  return BreakpointHit{
      BreakpointKind::FirstSplit, split.epoch,
      fmt::format("Epoch {}: the first split. Expert {} was copied into a new expert, {}; the "
                  "two start alike, and the router has to learn to tell them apart. Validation "
                  "accuracy {:.1f}% before the split, {:.1f}% after.",
                  split.epoch, expert_name(split.parent), expert_name(split.child),
                  split.val_accuracy_before * 100.0, split.val_accuracy_after * 100.0)};
}

std::optional<BreakpointHit> Breakpoints::on_switch(const SwitchEvent& change,
                                                    const BreakpointSettings& s) {
  // Pruning, reviving and a scheduled learning rate are the run's own doing, not a flip.
  if (is_expert_event(change) || change.name == kLearningRateEvent) return std::nullopt;
  if (!s.enabled(BreakpointKind::SwitchFlip)) return std::nullopt;
  return BreakpointHit{BreakpointKind::SwitchFlip, change.epoch,
                       fmt::format("Epoch {}: {}. Watch the next epochs for what it changes.",
                                   change.epoch, describe_switch_event(change))};
}

}  // namespace moelab
