#pragma once
// The seam between the engine and whoever watches it (CLI progress, GUI worker, tests).
// Called on the training thread; implementations copy what they need and return quickly.

#include "report/phase_report.h"
#include "training/run_metrics.h"

namespace moelab {

struct RunResult;

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void on_step(const StepMetrics&) {}
  virtual void on_epoch(const EpochMetrics&) {}
  virtual void on_split(const SplitEvent&) {}
  virtual void on_switch(const SwitchEvent&) {}
  virtual void on_phase_report(const PhaseReport&) {}
  virtual void on_finished(const RunResult&) {}
};

}  // namespace moelab
