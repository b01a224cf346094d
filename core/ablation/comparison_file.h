#pragma once
// The comparison file: one JSON document with the base experiment (the experiment file format),
// the arms (three-letter codes), the seeds and, per finished run, what it takes to redraw the
// charts and the summary table without retraining: each epoch's key metrics, the splits and the
// GO/NO-GO report. `moelab-cli ablate` writes it (DIR/comparison.json) and the window's
// comparison opens and saves the same file, so a lesson can be prepared headless and replayed.

#include <string>
#include <vector>

#include "ablation/ablation_plan.h"
#include "ablation/ablation_summary.h"

namespace moelab {

struct Comparison {
  RunConfig base;
  std::vector<Arm> arms;
  std::vector<std::uint64_t> seeds;
  std::vector<ArmSeedResult> results;  // finished runs only
};

std::string comparison_to_json(const Comparison& comparison);
// Returns false and sets `error` (one sentence) when `bytes` are not a comparison file.
bool comparison_from_json(const std::string& bytes, Comparison* comparison, std::string* error);

}  // namespace moelab
