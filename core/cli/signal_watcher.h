#pragma once
// Ctrl-C, SIGTERM and SIGHUP for the headless runner: the first one asks the running training to
// stop after its current step (it then writes a checkpoint and status "interrupted"); a second
// one ends the process at once. The handler only writes the signal's number into a pipe; a thread
// of the watcher reads it, so the stop request runs as ordinary code, not inside the handler.
//
// Why a handler and not blocked signals with sigwait: OpenBLAS starts its thread pool while the
// program loads, before main() could block anything, and the kernel delivers a process signal to
// any thread that does not block it; with blocked signals a SIGTERM reached OpenBLAS's threads and
// killed the run without its checkpoint. A handler runs on whichever thread the signal lands.

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

namespace moelab {

class SignalWatcher {
 public:
  // Installs the handler for SIGINT, SIGTERM and SIGHUP (one ignored when the program started, as
  // SIGINT is for a background job and SIGHUP under nohup, stays ignored). Call first thing in
  // main(). Also ignores SIGXFSZ, so that a file-size limit makes a write fail with a message
  // instead of killing the process.
  static void install_handlers();

  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Called (on the watcher's thread) at the first signal; called at once if one has already
  // arrived. An empty function removes it.
  void on_first_signal(std::function<void()> handler);

  // The first signal received, or 0.
  int received() const { return received_; }

 private:
  void watch();

  std::atomic<int> received_ = 0;
  std::atomic<bool> quit_ = false;
  std::mutex mutex_;
  std::function<void()> handler_;
  // The destructor writes a byte here so that the watcher's poll ends at once: a program's exit
  // does not wait for a poll timeout.
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;
};

// The exit status of a process a signal stopped: 128 + the signal (SIGINT when none is known).
int interrupted_exit_code(const SignalWatcher* signals);

}  // namespace moelab
