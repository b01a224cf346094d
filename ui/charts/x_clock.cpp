#include "charts/x_clock.h"

#include <algorithm>

namespace moelab::ui {

void XClock::clear() {
  epoch_ends_.clear();
  wall_times_.clear();
  ++epoch_version_;
}

void XClock::add_epoch_end(int epoch, std::int64_t step, double wall_seconds) {
  if (epoch_ends_.isEmpty()) epoch_ends_.push_back({0.0, 0.0});
  const double s = static_cast<double>(step);
  if (s > epoch_ends_.back().step) {
    epoch_ends_.push_back({s, static_cast<double>(epoch)});
    ++epoch_version_;
  }
  add_step_time(step, wall_seconds);
}

void XClock::add_step_time(std::int64_t step, double wall_seconds) {
  const double s = static_cast<double>(step);
  // The epoch report comes after evaluation, later than the last step report of the same step;
  // keeping the latest puts a split exactly on its epoch's point.
  if (!wall_times_.isEmpty() && wall_times_.back().step == s) {
    wall_times_.back().value = wall_seconds;
  } else if (wall_times_.isEmpty() || s > wall_times_.back().step) {
    wall_times_.push_back({s, wall_seconds});
  }
}

double XClock::interpolate(const QVector<Anchor>& anchors, double step) {
  if (anchors.isEmpty()) return 0.0;
  if (step <= anchors.front().step) return anchors.front().value;
  if (step >= anchors.back().step) return anchors.back().value;
  const auto it = std::lower_bound(anchors.begin(), anchors.end(), step,
                                   [](const Anchor& a, double s) { return a.step < s; });
  const Anchor& hi = *it;
  const Anchor& lo = *(it - 1);
  const double t = (step - lo.step) / (hi.step - lo.step);
  return lo.value + t * (hi.value - lo.value);
}

double XClock::epoch_x(const XStamp& stamp) const {
  if (stamp.epoch_end) return stamp.epoch;
  const double lo = stamp.epoch - 1.0;
  const double hi = stamp.epoch;
  if (epoch_ends_.size() >= 2) {
    const Anchor& last = epoch_ends_.back();
    double x;
    if (stamp.step <= last.step) {
      x = interpolate(epoch_ends_, stamp.step);
    } else {
      // The running epoch: assume it is as long as the previous one until it ends.
      const Anchor& before = epoch_ends_[epoch_ends_.size() - 2];
      const double length = std::max(1.0, last.step - before.step) / (last.value - before.value);
      x = last.value + (stamp.step - last.step) / length;
    }
    return std::clamp(x, lo, hi);
  }
  // Before the first epoch ends its length is unknown: the step's epoch start is the honest x.
  return std::max(0.0, lo);
}

double XClock::x(const XStamp& stamp, XAxis axis) const {
  switch (axis) {
    case XAxis::Step:
      return stamp.step;
    case XAxis::Epoch:
      return epoch_x(stamp);
    case XAxis::WallTime:
      return stamp.wall;
  }
  return stamp.step;
}

XStamp XClock::event_stamp(int epoch, std::int64_t step) const {
  XStamp stamp;
  stamp.step = static_cast<double>(step);
  stamp.epoch = epoch;
  stamp.wall = interpolate(wall_times_, stamp.step);
  return stamp;
}

}  // namespace moelab::ui
