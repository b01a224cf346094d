#pragma once
// Carries work from any thread to the GUI thread: a training thread posts a closure holding its
// copy of a value, and the closure runs on the thread this mailbox lives in, in the order posted.
//
// Why not Qt's queued signals or queued lambdas, which do the same: their hand-off synchronises
// through QMutex, which Debian's Qt implements with raw futexes inside a library ThreadSanitizer
// has not instrumented. The sanitizer then sees a value written on one thread and read on another
// with nothing ordering the two, and reports every queued value as a race. Here the values pass
// under a std::mutex, which it does see; the queued call that wakes the receiver carries nothing.

#include <QObject>
#include <deque>
#include <functional>
#include <mutex>

namespace moelab::ui {

class ThreadMailbox : public QObject {
  Q_OBJECT

 public:
  explicit ThreadMailbox(QObject* parent = nullptr);

  // Thread-safe. `task` runs later on this object's thread; never before post() returns, never
  // after this object is destroyed (pending tasks are dropped with it).
  void post(std::function<void()> task);

 private Q_SLOTS:
  // Runs the pending tasks in order. Re-entered from a nested event loop (a modal dialog opened
  // by a task), it goes on with the tasks after the one that opened it, so order still holds.
  void drain();

 private:
  std::mutex mutex_;
  std::deque<std::function<void()>> pending_;  // guarded by mutex_
  bool drain_queued_ = false;                  // guarded by mutex_
};

}  // namespace moelab::ui
