#include "thread_mailbox.h"

#include <QMetaObject>
#include <QPointer>
#include <utility>

namespace moelab::ui {

ThreadMailbox::ThreadMailbox(QObject* parent) : QObject(parent) {}

void ThreadMailbox::post(std::function<void()> task) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(task));
    wake = !drain_queued_;
    drain_queued_ = true;
  }
  // Invoked by name: the queued call carries no value of the lab's across the threads.
  if (wake) QMetaObject::invokeMethod(this, "drain", Qt::QueuedConnection);
}

void ThreadMailbox::drain() {
  {
    // Cleared first: a task posted while these run queues one more drain, which a nested event
    // loop can process.
    std::lock_guard lock(mutex_);
    drain_queued_ = false;
  }
  const QPointer<ThreadMailbox> alive(this);
  for (;;) {
    std::function<void()> task;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) return;
      task = std::move(pending_.front());
      pending_.pop_front();
    }
    task();
    if (!alive) return;  // a task destroyed the owner, and this mailbox with it
  }
}

}  // namespace moelab::ui
