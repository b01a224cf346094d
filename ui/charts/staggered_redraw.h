#pragma once
// Coalesced, staggered redraws for a dashboard. A training run reports far faster than a screen
// can usefully redraw: schedule() only starts a single-shot timer, so everything that arrived
// meanwhile is drawn in one round. A round redraws one part per tick: repainting a whole
// dashboard at once held the GUI thread for 12-18 ms (bench/gui_latency_bench: event-loop p99 over
// 16 ms while training); one chart takes a few.

#include <QObject>
#include <QTimer>
#include <functional>
#include <vector>

namespace moelab::ui {

class StaggeredRedraw : public QObject {
  Q_OBJECT

 public:
  // Redraws one part of the dashboard; returns whether anything changed.
  using Part = std::function<bool()>;

  StaggeredRedraw(int interval_ms, QObject* parent = nullptr);

  // `before_round` runs at the start of every round and of every flush (the parts' shared
  // preparation, such as lining up the charts' x extents); `parts` are redrawn in this order.
  void set_parts(std::function<void()> before_round, std::vector<Part> parts);

  void schedule();
  // Every part now, and no round pending.
  void flush();
  // Forgets a round under way (a new run starts from its first part).
  void cancel();
  bool pending() const { return timer_.isActive(); }
  // Rounds (or flushes) that changed something, since construction.
  int count() const { return count_; }

 private:
  void redraw_next_part();

  QTimer timer_;
  std::function<void()> before_round_;
  std::vector<Part> parts_;
  std::size_t cursor_ = 0;      // the next part of the round under way
  bool round_changed_ = false;  // the round under way redrew something
  int count_ = 0;
};

}  // namespace moelab::ui
