#pragma once
// Reduces a long curve to what a plot of a given pixel width can show. Keeping the minimum and the
// maximum of every pixel column (instead of every n-th point) keeps spikes such as a loss blow-up
// visible at any zoom level.

#include <QList>
#include <QPointF>
#include <QVector>
#include <cstdint>

namespace moelab::ui {

// points[0, count) sorted by x. Returns the first and the last point plus, for each of `columns`
// equal x-buckets over [x0, x1], the bucket's lowest and highest point in their original order.
// Returns the points unchanged when there are no more than two per column.
QList<QPointF> decimate_min_max(const QPointF* points, qsizetype count, double x0, double x1,
                                int columns);

// Drops the points that move less than a pixel across and half a pixel up or down from the last
// kept one (first and last always stay); `x_scale`/`y_scale` are pixels per data unit. After
// decimation a smoothed curve still has two nearly equal points per column: half of them cost
// drawing time and change nothing on screen.
void drop_subpixel_steps(QList<QPointF>& points, double x_scale, double y_scale);

// decimate_min_max() with a memory: a live curve mostly grows at its end while the view stays put,
// so the columns already complete are kept and only the last one and the new points are scanned.
// A refresh then costs what arrived since the previous one, not the length of the run.
class MinMaxDecimator {
 public:
  // Same result as decimate_min_max(points.constData() + begin, end - begin, x0, x1, columns).
  // `generation` must change whenever points before `end` changed in place (re-mapped x,
  // re-smoothed y, cleared); appending is the one change that keeps the cache.
  QList<QPointF> decimate(const QVector<QPointF>& points, qsizetype begin, qsizetype end, double x0,
                          double x1, int columns, std::uint64_t generation);
  void reset();

  // For tests and the benchmark: points scanned by the last call.
  qsizetype last_scanned() const { return last_scanned_; }

 private:
  bool valid_ = false;
  qsizetype begin_ = 0;
  qsizetype end_ = 0;
  double x0_ = 0;
  double x1_ = 0;
  int columns_ = 0;
  std::uint64_t generation_ = 0;
  QList<QPointF> columns_out_;  // the first point, then each scanned column's points
  qsizetype tail_start_ = 0;    // index of the first point of the last (still open) column
  qsizetype tail_size_ = 0;     // columns_out_.size() before that column's points
  qsizetype last_scanned_ = 0;
};

}  // namespace moelab::ui
