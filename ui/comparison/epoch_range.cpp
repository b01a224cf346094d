#include "comparison/epoch_range.h"

#include <algorithm>
#include <cmath>

namespace moelab::ui {

void EpochRange::set_extent(int first, int last) {
  first_ = first;
  last_ = std::max(last, first + 1);
  reset();
}

bool EpochRange::show(double min, double max) {
  const int whole = last_ - first_;
  const int span =
      std::clamp(static_cast<int>(std::lround(max - min)), std::min(kMinimumSpan, whole), whole);
  const int lo = std::clamp(static_cast<int>(std::lround(min)), first_, last_ - span);
  if (lo == min_ && lo + span == max_) return false;
  min_ = lo;
  max_ = lo + span;
  return true;
}

bool EpochRange::zoom(double x, double factor) {
  const int span = max_ - min_;
  int target = static_cast<int>(std::lround(span * factor));
  if (factor < 1) target = std::min(target, span - 1);
  if (factor > 1) target = std::max(target, span + 1);
  const double at = span > 0 ? (x - min_) / span : 0.5;
  const double lo = x - at * target;
  return show(lo, lo + target);
}

}  // namespace moelab::ui
