#include "training/training_control.h"

#include <thread>

namespace moelab {

TrainingControl::TrainingControl(FixSwitches initial) : fixes_(initial) {}

void TrainingControl::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

bool TrainingControl::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

void TrainingControl::pause() {
  std::lock_guard lock(mutex_);
  paused_ = true;
  epoch_budget_ = 0;
}

void TrainingControl::resume() {
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
    epoch_budget_ = 0;
  }
  wake_.notify_all();
}

bool TrainingControl::paused() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

void TrainingControl::step_one_epoch() {
  {
    std::lock_guard lock(mutex_);
    paused_ = true;
    epoch_budget_ = 1;
  }
  wake_.notify_all();
}

void TrainingControl::set_step_delay(std::chrono::milliseconds delay) {
  {
    std::lock_guard lock(mutex_);
    step_delay_ = delay < std::chrono::milliseconds(0) ? std::chrono::milliseconds(0) : delay;
  }
  wake_.notify_all();
}

void TrainingControl::set_fixes(const FixSwitches& fixes) {
  std::lock_guard lock(mutex_);
  fixes_ = fixes;
  ++fixes_version_;
}

FixSwitches TrainingControl::fixes() const {
  std::lock_guard lock(mutex_);
  return fixes_;
}

std::uint64_t TrainingControl::fixes_version() const {
  std::lock_guard lock(mutex_);
  return fixes_version_;
}

void TrainingControl::set_breakpoints(const BreakpointSettings& settings) {
  std::lock_guard lock(mutex_);
  breakpoints_ = settings;
}

BreakpointSettings TrainingControl::breakpoints() const {
  std::lock_guard lock(mutex_);
  return breakpoints_;
}

bool TrainingControl::wait_before_step() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stop_ || !paused_ || epoch_budget_ > 0; });
  if (stop_) return false;
  if (step_delay_.count() > 0) {
    // Sleep on the condition variable so that stop, pause and a shorter delay cut it short.
    const auto delay = step_delay_;
    wake_.wait_for(lock, delay, [this, delay] { return stop_ || step_delay_ < delay; });
  }
  return !stop_;
}

void TrainingControl::epoch_finished() {
  std::lock_guard lock(mutex_);
  if (epoch_budget_ > 0) --epoch_budget_;
}

}  // namespace moelab
