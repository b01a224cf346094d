#pragma once
// The CLI's progress line on stderr: one line per epoch, one per split.

#include <ostream>

#include "training/training_observer.h"

namespace moelab {

class ProgressPrinter : public TrainingObserver {
 public:
  ProgressPrinter(std::ostream& out, bool quiet) : out_(out), quiet_(quiet) {}
  void on_epoch(const EpochMetrics& m) override;
  void on_split(const SplitEvent& s) override;

 private:
  std::ostream& out_;
  bool quiet_;
};

}  // namespace moelab
