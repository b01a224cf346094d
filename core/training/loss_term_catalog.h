#pragma once
// The loss terms' names and labels, in the run's term order, for code that only shows them
// (CSV headers, chart lines, files) and should not pull in LibTorch. The terms themselves, and
// where this list comes from, are in loss_term.h.

#include <string>
#include <vector>

namespace moelab {

struct LossTermInfo {
  std::string name;   // "cross_entropy", "entropy", "diversity": the metrics column loss_<name>
  std::string label;  // "cross-entropy", "entropy balance", "diversity": the chart legend
};

const std::vector<LossTermInfo>& loss_term_catalog();

}  // namespace moelab
