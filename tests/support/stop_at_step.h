#pragma once
// A training observer that asks the run to stop once it has reached a step: the suites that
// resume a run use it to leave one mid-epoch, as a kill or a Stop would.

#include <cstdint>

#include "training/trainer.h"

class StopAt : public moelab::TrainingObserver {
 public:
  StopAt(moelab::TrainingControl& control, std::int64_t at_step)
      : control_(control), at_step_(at_step) {}
  void on_step(const moelab::StepMetrics& m) override {
    if (m.step >= at_step_) control_.request_stop();
  }

 private:
  moelab::TrainingControl& control_;
  std::int64_t at_step_;
};
