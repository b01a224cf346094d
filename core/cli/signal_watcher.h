#pragma once
// Ctrl-C, SIGTERM and SIGHUP for the headless runner: the first one asks the running training to
// stop after its current step (it then writes a checkpoint and status "interrupted"); a second
// one ends the process at once. The signals are taken by a thread of their own with sigwait, so
// the stop request runs as ordinary code, not inside a signal handler.

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

namespace moelab {

class SignalWatcher {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every thread it starts from then
  // on. Call first thing in main(), before any other thread exists. Also ignores SIGXFSZ, so that
  // a file-size limit makes a write fail with a message instead of killing the process.
  static void block_signals();

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
  std::thread thread_;
};

// The exit status of a process a signal stopped: 128 + the signal (SIGINT when none is known).
int interrupted_exit_code(const SignalWatcher* signals);

}  // namespace moelab
