#pragma once
// Viridis: equal steps in value look like equal steps in colour, also in grey and to most
// colour-blind viewers, so a heat map reads the same on a washed-out projector.

#include <QColor>
#include <QLinearGradient>

namespace moelab::ui {

class ViridisColorMap {
 public:
  // t in [0, 1] (clamped); NaN maps to a neutral grey.
  static QColor at(double t);
  // Black or white, whichever reads better on at(t).
  static QColor text_color(double t);
  // The map as a gradient from 0 at `from` to 1 at `to`, for a colour bar.
  static QLinearGradient gradient(const QPointF& from, const QPointF& to);
};

}  // namespace moelab::ui
