#pragma once
// Where a run keeps what it did as it goes (a run folder: io/folder_journal.h). The trainer calls
// it on the training thread at the end of every epoch, when it stops early and when it ends; an
// exception thrown here (a write error) stops the run and reaches Trainer::run's caller.

#include <functional>
#include <optional>
#include <vector>

#include "training/run_metrics.h"

namespace moelab {

struct RunConfig;
struct RunResult;
struct TrainerState;

// The trainer's state at the moment of the call, taken only if the journal asks for it.
using StateSource = std::function<TrainerState()>;

// One finished epoch: trained, evaluated, and grown (the split made after it, if any).
struct EpochRecord {
  const EpochMetrics& metrics;
  const RunConfig& config;            // the run's settings, hand flips so far in its schedule
  std::vector<SwitchEvent> switches;  // took effect during this epoch, in order
  std::optional<SplitEvent> split;    // made after it
  bool last = false;                  // the run's final epoch
};

class RunJournal {
 public:
  virtual ~RunJournal() = default;
  virtual void epoch_finished(const EpochRecord& record, const StateSource& state) = 0;
  // Stopped on request before the end, at a step boundary.
  virtual void stopped(const StateSource& state) = 0;
  // Ran to its end (or stopped as diverged); the result holds the report when there is one.
  virtual void finished(const RunResult& result) = 0;
};

}  // namespace moelab
