#pragma once
// Lookups in a chart's point buffer, which is sorted by x.

#include <QPointF>
#include <QVector>
#include <algorithm>

namespace moelab::ui {

// Index of the first point with x >= value in a buffer sorted by x.
inline qsizetype lower_index(const QVector<QPointF>& points, double value) {
  const auto it = std::lower_bound(points.cbegin(), points.cend(), value,
                                   [](const QPointF& p, double v) { return p.x() < v; });
  return it - points.cbegin();
}

inline qsizetype nearest_index(const QVector<QPointF>& points, double x) {
  const qsizetype i = lower_index(points, x);
  if (i >= points.size()) return points.size() - 1;
  if (i > 0 && x - points[i - 1].x() <= points[i].x() - x) return i - 1;
  return i;
}

}  // namespace moelab::ui
