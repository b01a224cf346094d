#include "charts/decimate_min_max.h"

#include <algorithm>
#include <cmath>

namespace moelab::ui {

QList<QPointF> decimate_min_max(const QPointF* points, qsizetype count, double x0, double x1,
                                int columns) {
  if (count <= 0) return {};
  columns = std::max(columns, 1);
  if (count <= 2 * static_cast<qsizetype>(columns) || !(x1 > x0)) {
    return QList<QPointF>(points, points + count);
  }
  QList<QPointF> out;
  out.reserve(2 * columns + 2);
  out.append(points[0]);
  const double scale = columns / (x1 - x0);
  qsizetype i = 1;
  const qsizetype last = count - 1;
  while (i < last) {
    const double raw_bucket = std::floor((points[i].x() - x0) * scale);
    const double bucket = std::clamp(raw_bucket, -1.0, static_cast<double>(columns));
    qsizetype lo = i;
    qsizetype hi = i;
    qsizetype j = i + 1;
    for (; j < last; ++j) {
      const double b = std::clamp(std::floor((points[j].x() - x0) * scale), -1.0,
                                  static_cast<double>(columns));
      if (b != bucket) break;
      if (points[j].y() < points[lo].y()) lo = j;
      if (points[j].y() > points[hi].y()) hi = j;
    }
    if (lo == hi) {
      out.append(points[lo]);
    } else {
      out.append(points[std::min(lo, hi)]);
      out.append(points[std::max(lo, hi)]);
    }
    i = j;
  }
  if (last > 0) out.append(points[last]);
  return out;
}

}  // namespace moelab::ui
