#include "charts/axis_ticks.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace moelab::ui::axis_ticks {

QString title(XAxis axis) {
  switch (axis) {
    case XAxis::Step:
      return QCoreApplication::translate("XAxis", "step");
    case XAxis::Epoch:
      return QCoreApplication::translate("XAxis", "epoch");
    case XAxis::WallTime:
      return QCoreApplication::translate("XAxis", "wall time (s)");
  }
  return {};
}

double nice_interval(double span, int ticks, bool integer_steps) {
  if (!(span > 0) || ticks < 1) return 1.0;
  const double raw = span / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double nice = 10.0 * magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0}) {
    // Whole steps never take 2.5 (ticks at 2.5, 5, 7.5 steps, or epochs in a comparison).
    if (integer_steps && m * magnitude < 10 && m == 2.5) continue;
    if (raw <= m * magnitude) {
      nice = m * magnitude;
      break;
    }
  }
  return integer_steps ? std::max(nice, 1.0) : nice;
}

int decimals_for(double interval) {
  for (int d = 0; d < 6; ++d) {
    const double scaled = interval * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-6) return d;
  }
  return 6;
}

}  // namespace moelab::ui::axis_ticks
