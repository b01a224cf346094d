#pragma once
// The comparison file: one JSON document with the base experiment (the core's config format),
// the arms (three-letter codes), the seeds and, per finished run, what it takes to redraw the
// charts and the summary table without retraining: each epoch's key metrics, the splits and the
// GO/NO-GO report. A lesson can be prepared in advance and replayed from it.

#include <QByteArray>
#include <QString>
#include <vector>

#include "ablation/ablation_plan.h"
#include "ablation/ablation_summary.h"

namespace moelab::ui {

struct Comparison {
  RunConfig base;
  std::vector<Arm> arms;
  std::vector<std::uint64_t> seeds;
  std::vector<ArmSeedResult> results;  // finished runs only
};

QByteArray comparison_to_json(const Comparison& comparison);
// Returns false and sets `error` (one sentence) when `bytes` are not a comparison file.
bool comparison_from_json(const QByteArray& bytes, Comparison* comparison, QString* error);

}  // namespace moelab::ui
