#pragma once
// Reduces a long curve to what a plot of a given pixel width can show. Keeping the minimum and the
// maximum of every pixel column (instead of every n-th point) keeps spikes such as a loss blow-up
// visible at any zoom level.

#include <QList>
#include <QPointF>

namespace moelab::ui {

// points[0, count) sorted by x. Returns the first and the last point plus, for each of `columns`
// equal x-buckets over [x0, x1], the bucket's lowest and highest point in their original order.
// Returns the points unchanged when there are no more than two per column.
QList<QPointF> decimate_min_max(const QPointF* points, qsizetype count, double x0, double x1,
                                int columns);

}  // namespace moelab::ui
