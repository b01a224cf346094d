#pragma once
// Where a widget that draws epochs (the expert river, the field's strip) puts them on x: the
// dashboard's clock (or a clock of its own, fed by the epochs it is given), the x axis and the
// visible range, the whole run so far when none is set. One description, so that every such
// widget stays aligned with the time charts the same way.

#include <memory>
#include <utility>

#include "charts/x_clock.h"
#include "training/run_metrics.h"

namespace moelab::ui {

class EpochXView {
 public:
  // `clock` maps stamps to x as the time charts do; null: a clock of its own.
  explicit EpochXView(std::shared_ptr<const XClock> clock);

  // The epoch's end, on the clock (its own learns it) and as the run's end so far.
  XStamp add_epoch(const moelab::EpochMetrics& epoch);
  // The end of the epoch before the next one added (the run's start before any).
  const XStamp& last_end() const { return last_end_; }
  XStamp event_stamp(int epoch, std::int64_t step) const;
  void clear();

  XAxis axis() const { return axis_; }
  // Both return whether anything changed.
  bool set_axis(XAxis axis);
  // min >= max: the whole run.
  bool set_range(double min, double max);

  double x(const XStamp& stamp) const { return clock_->x(stamp, axis_); }
  // The range shown: the one set, or [0, the run's end].
  std::pair<double, double> range() const;
  double to_pixel(double x, double left, double width) const;

 private:
  std::shared_ptr<const XClock> clock_;
  std::shared_ptr<XClock> own_clock_;  // when none was given
  XAxis axis_ = XAxis::Step;
  XStamp last_end_;
  double min_ = 0;
  double max_ = 0;
  bool set_ = false;
};

}  // namespace moelab::ui
