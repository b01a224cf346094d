#pragma once
// The engine as the window sees it: one run from its settings to its result, behind a header that
// does not include LibTorch, so that no Qt file has to (Qt's keywords and LibTorch's names clash).
// Loads the data, keeps the run in its folder as it goes when given one (io/durable_run.h), forks
// another run's folder, and turns every failure into one EngineError sentence.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/run_config.h"
#include "training/run_result.h"
#include "training/training_control.h"
#include "training/training_observer.h"

namespace moelab {

class EngineError : public std::runtime_error {
 public:
  enum class Kind {
    Data,      // the data set cannot be loaded
    Settings,  // the settings cannot run
    Folder,    // the run folder refuses the run, or a write to it failed
    Resources, // the run needs more memory or CPUs than this process may use
    Engine,    // the training itself failed (a LibTorch error)
  };
  EngineError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct SessionOptions {
  std::string folder;      // the run's folder (a new one); empty: the run is kept in memory only
  std::string fork_parent; // a fork: the parent's folder ...
  int fork_epoch = -1;     // ... and the epoch whose end the fork starts from
  // The fork's switches are the ones wanted from the fork point on (the window shows the parent's
  // switches as they stood there); otherwise they are changes to the parent's config.json.
  bool fork_switches_as_of_fork_point = false;
  int checkpoint_every = 1;
};

class TrainingSession {
 public:
  // Checks the settings and the folder, then loads the data. A fork's settings are the parent's
  // with `config`'s switches and learning rate from the fork point on. Throws EngineError.
  TrainingSession(const RunConfig& config, const SessionOptions& options = {});
  ~TrainingSession();
  TrainingSession(const TrainingSession&) = delete;
  TrainingSession& operator=(const TrainingSession&) = delete;

  const DatasetInfo& data() const;
  // The run's settings (a fork's, with its schedule and origin).
  const RunConfig& config() const;
  // Epochs already in the run when it starts (a fork: its fork point).
  int starting_epoch() const;

  // Trains on the calling thread. `control` may be null. Throws EngineError.
  RunResult run(TrainingObserver* observer, TrainingControl* control);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moelab
