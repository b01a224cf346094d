#include "charts/epoch_x_view.h"

namespace moelab::ui {

EpochXView::EpochXView(std::shared_ptr<const XClock> clock) : clock_(std::move(clock)) {
  if (!clock_) {
    own_clock_ = std::make_shared<XClock>();
    clock_ = own_clock_;
  }
}

XStamp EpochXView::add_epoch(const moelab::EpochMetrics& m) {
  if (own_clock_) own_clock_->add_epoch_end(m.epoch, m.step, m.wall_seconds);
  XStamp end;
  end.step = static_cast<double>(m.step);
  end.wall = m.wall_seconds;
  end.epoch = m.epoch;
  last_end_ = end;
  return end;
}

XStamp EpochXView::event_stamp(int epoch, std::int64_t step) const {
  return clock_->event_stamp(epoch, step);
}

void EpochXView::clear() {
  if (own_clock_) own_clock_->clear();
  last_end_ = XStamp();
  set_ = false;
}

bool EpochXView::set_axis(XAxis axis) {
  if (axis == axis_) return false;
  axis_ = axis;
  return true;
}

bool EpochXView::set_range(double min, double max) {
  const bool set = max > min;
  if (set == set_ && (!set || (min == min_ && max == max_))) return false;
  min_ = min;
  max_ = max;
  set_ = set;
  return true;
}

std::pair<double, double> EpochXView::range() const {
  if (set_) return {min_, max_};
  // Alone: the whole run so far, from its start.
  const double hi = x(last_end_);
  return {0.0, hi > 0.0 ? hi : 1.0};
}

double EpochXView::to_pixel(double x, double left, double width) const {
  const auto [lo, hi] = range();
  return left + (x - lo) / (hi - lo) * width;
}

}  // namespace moelab::ui
