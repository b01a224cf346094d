#pragma once
// Commands into a running training, safe to call from any thread: pause, resume, run one more
// epoch, stop, slow down, switch fixes. The trainer polls it between steps.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "config/run_config.h"
#include "training/breakpoints.h"

namespace moelab {

class TrainingControl {
 public:
  explicit TrainingControl(FixSwitches initial = {});

  void request_stop();
  bool stop_requested() const;

  void pause();
  void resume();
  bool paused() const;
  // While paused: train exactly one more epoch, then pause again.
  void step_one_epoch();

  // Artificial delay after every optimiser step, for demonstrations (0 = full speed).
  void set_step_delay(std::chrono::milliseconds delay);

  void set_fixes(const FixSwitches& fixes);
  FixSwitches fixes() const;
  // Monotonic counter, bumped by every set_fixes; lets the trainer skip the lock when unchanged.
  std::uint64_t fixes_version() const;

  // The lesson's breakpoints: which pause the run (the window's worker checks every report).
  void set_breakpoints(const BreakpointSettings& settings);
  BreakpointSettings breakpoints() const;

  // --- called by the trainer ---
  // Blocks while paused (returns early on stop). Returns false when the run must stop.
  bool wait_before_step();
  // The trainer finished an epoch; consumes a pending single-epoch budget.
  void epoch_finished();

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool paused_ = false;
  int epoch_budget_ = 0;  // epochs allowed to run while paused
  std::chrono::milliseconds step_delay_{0};
  FixSwitches fixes_;
  std::uint64_t fixes_version_ = 0;
  BreakpointSettings breakpoints_;
};

}  // namespace moelab
