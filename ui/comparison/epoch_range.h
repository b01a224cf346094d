#pragma once
// The x range of the comparison charts, in whole epochs and inside the epochs the runs cover: what
// a wheel notch or a drag makes of it. Whole epochs because a comparison has one point per epoch
// and its ticks are epochs; inside the data because beyond it there is nothing to compare.

namespace moelab::ui {

class EpochRange {
 public:
  // The narrowest range a zoom reaches: two epochs still show a line between points.
  static constexpr int kMinimumSpan = 2;

  // The runs cover first..last (last > first); shows them whole.
  void set_extent(int first, int last);
  int first() const { return first_; }
  int last() const { return last_; }

  int min() const { return min_; }
  int max() const { return max_; }
  bool whole() const { return min_ == first_ && max_ == last_; }

  bool reset() { return show(first_, last_); }
  // Shows [min, max] rounded to whole epochs, moved inside the data, no narrower than
  // kMinimumSpan. Returns whether the range changed.
  bool show(double min, double max);
  // Scales the span by `factor` (below 1 zooms in) keeping `x` where it is on the plot; each call
  // changes the span by at least one epoch, so that a notch is never lost to rounding.
  bool zoom(double x, double factor);

 private:
  int first_ = 1;
  int last_ = 2;
  int min_ = 1;
  int max_ = 2;
};

}  // namespace moelab::ui
