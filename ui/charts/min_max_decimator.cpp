#include "charts/min_max_decimator.h"

#include <algorithm>
#include <cmath>

namespace moelab::ui {

namespace {

struct Scan {
  qsizetype last_column_start;  // index of the first point of the last column scanned
  qsizetype out_before_last;    // out.size() before that column's points were appended
};

// Appends, for each column that points[from, to) touch, its lowest and highest point in index
// order. Columns are `width` wide from x0, so a scan resumed at a column's first point gives the
// same output as one that started earlier.
Scan scan_columns(const QPointF* points, qsizetype from, qsizetype to, double x0, double width,
                  QList<QPointF>& out) {
  Scan scan{from, out.size()};
  qsizetype i = from;
  while (i < to) {
    // One floor per column, not per point: the inner loop is a compare and two min/max.
    const double column = std::floor((points[i].x() - x0) / width);
    const double edge = x0 + (column + 1.0) * width;
    scan.last_column_start = i;
    scan.out_before_last = out.size();
    qsizetype lo = i;
    qsizetype hi = i;
    double y_lo = points[i].y();
    double y_hi = y_lo;
    qsizetype j = i + 1;
    for (; j < to && points[j].x() < edge; ++j) {
      // Written to compile to conditional moves: on noise, branches here mispredict half the time.
      const double y = points[j].y();
      lo = y < y_lo ? j : lo;
      y_lo = y < y_lo ? y : y_lo;
      hi = y > y_hi ? j : hi;
      y_hi = y > y_hi ? y : y_hi;
    }
    if (lo == hi) {
      out.append(points[lo]);
    } else {
      out.append(points[std::min(lo, hi)]);
      out.append(points[std::max(lo, hi)]);
    }
    i = j;
  }
  return scan;
}

}  // namespace

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
  scan_columns(points, 1, count - 1, x0, (x1 - x0) / columns, out);
  out.append(points[count - 1]);
  return out;
}

void drop_subpixel_steps(QList<QPointF>& points, double x_scale, double y_scale) {
  if (points.size() < 3 || !(x_scale > 0) || !(y_scale > 0)) return;
  qsizetype kept = 0;
  const qsizetype last = points.size() - 1;
  for (qsizetype i = 1; i < last; ++i) {
    const QPointF& a = points[kept];
    const QPointF& b = points[i];
    if (std::abs(b.x() - a.x()) * x_scale < 1.0 && std::abs(b.y() - a.y()) * y_scale < 0.5) {
      continue;
    }
    points[++kept] = b;
  }
  points[++kept] = points[last];
  points.resize(kept + 1);
}

QList<QPointF> MinMaxDecimator::decimate(const QVector<QPointF>& points, qsizetype begin,
                                         qsizetype end, double x0, double x1, int columns,
                                         std::uint64_t generation) {
  columns = std::max(columns, 1);
  begin = std::clamp<qsizetype>(begin, 0, points.size());
  end = std::clamp<qsizetype>(end, begin, points.size());
  const qsizetype count = end - begin;
  const QPointF* p = points.constData();
  if (count <= 2 * static_cast<qsizetype>(columns) || !(x1 > x0)) {
    valid_ = false;
    last_scanned_ = count;
    return QList<QPointF>(p + begin, p + end);
  }
  const bool reuse = valid_ && generation == generation_ && begin == begin_ && end >= end_ &&
                     x0 == x0_ && x1 == x1_ && columns == columns_;
  qsizetype from;
  if (reuse) {
    // The last column may have been open: scan it again with whatever joined it.
    columns_out_.resize(tail_size_);
    from = tail_start_;
  } else {
    columns_out_.clear();
    columns_out_.reserve(2 * columns + 2);
    columns_out_.append(p[begin]);
    from = begin + 1;
    tail_start_ = from;
    tail_size_ = columns_out_.size();
  }
  if (from < end - 1) {
    const Scan scan = scan_columns(p, from, end - 1, x0, (x1 - x0) / columns, columns_out_);
    tail_start_ = scan.last_column_start;
    tail_size_ = scan.out_before_last;
  }
  last_scanned_ = std::max<qsizetype>(0, end - 1 - from);
  valid_ = true;
  begin_ = begin;
  end_ = end;
  x0_ = x0;
  x1_ = x1;
  columns_ = columns;
  generation_ = generation;
  QList<QPointF> out = columns_out_;
  out.append(p[end - 1]);
  return out;
}

void MinMaxDecimator::reset() {
  valid_ = false;
  columns_out_.clear();
  last_scanned_ = 0;
}

}  // namespace moelab::ui
