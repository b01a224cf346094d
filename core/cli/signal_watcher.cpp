#include "cli/signal_watcher.h"

#include <csignal>
#include <cstdlib>
#include <ctime>

#include <pthread.h>

namespace moelab {

namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void SignalWatcher::block_signals() {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

SignalWatcher::SignalWatcher() : thread_([this] { watch(); }) {}

SignalWatcher::~SignalWatcher() {
  quit_ = true;
  thread_.join();
}

void SignalWatcher::on_first_signal(std::function<void()> handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
  if (received_ != 0 && handler_) handler_();
}

void SignalWatcher::watch() {
  const sigset_t set = watched_signals();
  // Polls for the destructor's quit flag a few times a second; a signal wakes it at once.
  const timespec timeout{0, 200 * 1000 * 1000};
  while (!quit_) {
    const int signal = sigtimedwait(&set, nullptr, &timeout);
    if (signal <= 0) continue;
    if (received_ != 0) std::_Exit(128 + signal);  // the second one: at once
    received_ = signal;
    std::lock_guard lock(mutex_);
    if (handler_) handler_();
  }
}

int interrupted_exit_code(const SignalWatcher* signals) {
  return 128 + (signals && signals->received() ? signals->received() : SIGINT);
}

}  // namespace moelab
