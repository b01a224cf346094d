#include "cli/signal_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

namespace moelab {

namespace {

constexpr int kWatched[] = {SIGINT, SIGTERM, SIGHUP};

// Written by the handler only with what is async-signal-safe: write() and _exit().
int signal_pipe[2] = {-1, -1};
std::atomic<int> first_signal = 0;
static_assert(std::atomic<int>::is_always_lock_free);

void on_signal(int signal) {
  int expected = 0;
  if (!first_signal.compare_exchange_strong(expected, signal)) _exit(128 + signal);  // the second
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(signal);
  [[maybe_unused]] const auto written = ::write(signal_pipe[1], &byte, 1);
  errno = saved;
}

bool ignored_at_start(int signal) {
  struct sigaction current {};
  return ::sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

}  // namespace

void SignalWatcher::install_handlers() {
  std::signal(SIGXFSZ, SIG_IGN);
  if (signal_pipe[0] >= 0 || ::pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : kWatched) {
    if (!ignored_at_start(signal)) ::sigaction(signal, &action, nullptr);
  }
}

SignalWatcher::SignalWatcher() {
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  quit_ = true;
  if (wake_pipe_[1] >= 0) {
    const unsigned char byte = 0;
    [[maybe_unused]] const auto written = ::write(wake_pipe_[1], &byte, 1);
  }
  thread_.join();
  for (const int fd : wake_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void SignalWatcher::on_first_signal(std::function<void()> handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
  if (received_ != 0 && handler_) handler_();
}

void SignalWatcher::watch() {
  if (signal_pipe[0] < 0) return;  // install_handlers() was not called: nothing to watch
  // Sleeps until a signal or the destructor's wake-up byte arrives (without a wake-up pipe, it
  // checks the quit flag a few times a second). The thread lives until the destructor, also after
  // the first signal: a second one ends the process with _exit() while this thread still runs,
  // never with a finished thread left unjoined.
  constexpr int kQuitCheckMs = 200;
  pollfd readable[2] = {{signal_pipe[0], POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
  const bool wakeable = wake_pipe_[0] >= 0;
  while (!quit_) {
    if (::poll(readable, wakeable ? 2 : 1, wakeable ? -1 : kQuitCheckMs) <= 0) continue;
    if ((readable[0].revents & POLLIN) == 0) continue;  // the wake-up: quit_ is set
    unsigned char byte = 0;
    if (::read(signal_pipe[0], &byte, 1) != 1 || received_ != 0) continue;
    received_ = byte;
    std::lock_guard lock(mutex_);
    if (handler_) handler_();
  }
}

int interrupted_exit_code(const SignalWatcher* signals) {
  return 128 + (signals && signals->received() ? signals->received() : SIGINT);
}

}  // namespace moelab
