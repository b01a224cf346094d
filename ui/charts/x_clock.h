#pragma once
// Every plotted point remembers when it happened in all three units, so the x axis can switch
// between steps, epochs and wall time without losing or re-fetching data.

#include <QVector>
#include <cstdint>

namespace moelab::ui {

enum class XAxis { Step, Epoch, WallTime };

struct XStamp {
  double step = 0;  // global optimiser step
  double wall = 0;  // seconds since the run started
  int epoch = 0;    // 1-based epoch the point belongs to
  // The point is its epoch's end (another run's epoch row): its epoch x is `epoch` itself, which
  // this run's steps per epoch could not place.
  bool epoch_end = false;
};

// Maps stamps to x values. Epoch x is fractional (epoch - 1 + progress through the epoch) and is
// only exact once the epoch has ended, because the number of steps per epoch is learnt from
// EpochMetrics; epoch_version() changes when that knowledge does, so charts can re-map.
class XClock {
 public:
  void clear();

  // The end of an epoch: anchors the step -> epoch map and the step -> wall map.
  void add_epoch_end(int epoch, std::int64_t step, double wall_seconds);
  // A step report: feeds the step -> wall map used to place events that carry no time.
  void add_step_time(std::int64_t step, double wall_seconds);

  double x(const XStamp& stamp, XAxis axis) const;
  double epoch_x(const XStamp& stamp) const;
  // Splits and switch changes know their step and epoch only; their wall time is interpolated.
  XStamp event_stamp(int epoch, std::int64_t step) const;

  std::uint64_t epoch_version() const { return epoch_version_; }

 private:
  struct Anchor {
    double step;
    double value;
  };
  static double interpolate(const QVector<Anchor>& anchors, double step);

  QVector<Anchor> epoch_ends_;  // (step at the end of epoch e, e); starts with (0, 0)
  QVector<Anchor> wall_times_;  // (step, wall seconds), steps increasing
  std::uint64_t epoch_version_ = 0;
};

}  // namespace moelab::ui
