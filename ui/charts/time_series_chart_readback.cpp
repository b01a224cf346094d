// TimeSeriesChart's read-back: what a line, a point, a marker and the axes hold and show, for
// the charts' owners, the exports and the tests.
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <limits>

#include "charts/time_series_chart.h"

namespace moelab::ui {

QString TimeSeriesChart::line_key(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].key : QString();
}

QString TimeSeriesChart::line_name(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].name : QString();
}

bool TimeSeriesChart::line_dormant(int line) const {
  return line >= 0 && line < line_count() && lines_[static_cast<std::size_t>(line)].dormant;
}

bool TimeSeriesChart::point_dormant(int line, int point) const {
  if (line < 0 || line >= line_count()) return false;
  const QVector<char>& flags = lines_[static_cast<std::size_t>(line)].dormant_points;
  return point >= 0 && point < flags.size() && flags[point] != 0;
}

QColor TimeSeriesChart::line_color(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].style.color
                                          : QColor();
}

int TimeSeriesChart::point_count(int line) const {
  return line >= 0 && line < line_count()
             ? static_cast<int>(lines_[static_cast<std::size_t>(line)].raw.size())
             : 0;
}

double TimeSeriesChart::last_value(int line) const {
  if (point_count(line) == 0) return std::numeric_limits<double>::quiet_NaN();
  return lines_[static_cast<std::size_t>(line)].raw.back().y();
}

QVector<QPointF> TimeSeriesChart::points(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].raw
                                          : QVector<QPointF>();
}

QVector<QPointF> TimeSeriesChart::smoothed_points(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].smooth
                                          : QVector<QPointF>();
}

QLineSeries* TimeSeriesChart::series(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].series : nullptr;
}

QList<QPointF> TimeSeriesChart::drawn_points(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].shown
                                          : QList<QPointF>();
}

QList<QPointF> TimeSeriesChart::faint_points(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].shown_faint
                                          : QList<QPointF>();
}

int TimeSeriesChart::series_point_count(int line) const {
  return line >= 0 && line < line_count()
             ? static_cast<int>(lines_[static_cast<std::size_t>(line)].shown.size())
             : 0;
}

QPen TimeSeriesChart::line_pen(int line) const {
  return line >= 0 && line < line_count() ? pen_for(lines_[static_cast<std::size_t>(line)])
                                          : QPen();
}

QPen TimeSeriesChart::faint_pen(int line) const {
  QColor color = line_color(line);
  color.setAlpha(kFaintAlpha);
  // Width 1 keeps the raster engine on its fast cosmetic path for the longest curves.
  QPen pen(color, 1.0);
  pen.setCapStyle(Qt::FlatCap);
  return pen;
}

QString TimeSeriesChart::marker_detail(int marker) const {
  return marker >= 0 && marker < marker_count() ? markers_[static_cast<std::size_t>(marker)].detail
                                                : QString();
}

QString TimeSeriesChart::marker_label(int marker) const {
  return marker >= 0 && marker < marker_count() ? markers_[static_cast<std::size_t>(marker)].label
                                                : QString();
}

double TimeSeriesChart::marker_x(int marker) const {
  if (marker < 0 || marker >= marker_count()) return std::numeric_limits<double>::quiet_NaN();
  return clock_->x(markers_[static_cast<std::size_t>(marker)].at, axis_);
}

TimeSeriesChart::MarkerKind TimeSeriesChart::marker_kind(int marker) const {
  return marker >= 0 && marker < marker_count() ? markers_[static_cast<std::size_t>(marker)].kind
                                                : MarkerKind::Split;
}

double TimeSeriesChart::x_min() const { return x_axis_->min(); }
double TimeSeriesChart::x_max() const { return x_axis_->max(); }
double TimeSeriesChart::y_min() const { return y_axis_->min(); }
double TimeSeriesChart::y_max() const { return y_axis_->max(); }
double TimeSeriesChart::right_y_min() const {
  return right_axis_ ? right_axis_->min() : std::numeric_limits<double>::quiet_NaN();
}
double TimeSeriesChart::right_y_max() const {
  return right_axis_ ? right_axis_->max() : std::numeric_limits<double>::quiet_NaN();
}

bool TimeSeriesChart::line_on_right_axis(int line) const {
  return right_axis_ && line >= 0 && line < line_count() &&
         lines_[static_cast<std::size_t>(line)].style.right_axis;
}

bool TimeSeriesChart::line_behind(int line) const {
  return line >= 0 && line < line_count() && lines_[static_cast<std::size_t>(line)].style.behind;
}

const QValueAxis* TimeSeriesChart::axis_of(const Line& line) const {
  return line.style.right_axis && right_axis_ ? right_axis_ : y_axis_;
}

}  // namespace moelab::ui
