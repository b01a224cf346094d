// TimeSeriesChart's painting: the decimated curves, reference lines and split/switch markers
// drawn over the Qt Charts plot area, and the mapping between data and pixels.
#include <QEvent>
#include <QFontMetricsF>
#include <QPainter>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/chart_style.h"
#include "charts/sorted_points.h"
#include "charts/time_series_chart.h"

namespace moelab::ui {

void TimeSeriesChart::changeEvent(QEvent* event) {
  // Qt Charts keeps the fonts it was given: when the type's scale changes, give them again.
  if (event->type() == QEvent::FontChange) {
    ChartStyle::apply_fonts(chart());
    update_top_margin();
    dirty_ = true;
  }
  // The theme changed (Theme sets the application's palette): its colours again.
  if (event->type() == QEvent::PaletteChange) {
    ChartStyle::apply_colors(chart());
    dirty_ = true;
  }
  QChartView::changeEvent(event);
}

namespace {

// The lane's text and the ticks under it: a tick reaches from the lane's bottom to the plot.
constexpr double kTickLength = 5;

double title_height() { return QFontMetricsF(ChartStyle::title_font()).height() + 4; }
double lane_height() { return QFontMetricsF(ChartStyle::small_font()).height() + 2 + kTickLength; }

}  // namespace

void TimeSeriesChart::update_top_margin() {
  QMargins margins = chart()->margins();
  margins.setTop(static_cast<int>(std::ceil(title_height() + lane_height())));
  chart()->setMargins(margins);
}

QRectF TimeSeriesChart::lane_rect(const QRectF& plot) const {
  const double h = lane_height();
  return QRectF(plot.left(), plot.top() - h, plot.width(), h);
}

QRectF TimeSeriesChart::event_lane_rect() const { return lane_rect(plot_rect()); }

void TimeSeriesChart::draw_title(QPainter* painter) const {
  const QRectF frame = chart()->geometry();
  const QRectF box(frame.left() + 4, frame.top() + 2, frame.width() - 8, title_height() - 2);
  painter->setFont(ChartStyle::fitted_title_font(title_, box.width()));
  painter->setPen(ChartStyle::text());
  painter->drawText(
      box, Qt::AlignCenter,
      painter->fontMetrics().elidedText(title_, Qt::ElideRight, static_cast<int>(box.width())));
}

void TimeSeriesChart::drawForeground(QPainter* painter, const QRectF& rect) {
  QChartView::drawForeground(painter, rect);
  painter->save();
  painter->setRenderHint(QPainter::TextAntialiasing, true);
  draw_title(painter);
  painter->restore();
  const QRectF plot = plot_rect();
  if (plot.width() < 2 || plot.height() < 2) return;
  painter->save();
  painter->setClipRect(plot.adjusted(-1, -1, 1, 1));
  painter->setRenderHint(QPainter::Antialiasing, true);
  draw_curves(painter, plot);
  draw_references(painter, plot);
  if (hovering_) {
    const double px = x_to_pixel(hover_x_, plot);
    painter->setPen(QPen(ChartStyle::axis_line(), 1.0));
    painter->drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
  }
  painter->restore();
  // The lane lies above the plot, outside its clip.
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing, true);
  draw_markers(painter, plot);
  painter->restore();
}

QRectF TimeSeriesChart::plot_rect() const { return chart()->mapRectToScene(chart()->plotArea()); }

double TimeSeriesChart::x_to_pixel(double x, const QRectF& plot) const {
  const double span = view_max_ - view_min_;
  return plot.left() + (span > 0 ? (x - view_min_) / span : 0.0) * plot.width();
}

double TimeSeriesChart::pixel_to_x(double px, const QRectF& plot) const {
  return view_min_ + (px - plot.left()) / std::max(1.0, plot.width()) * (view_max_ - view_min_);
}

double TimeSeriesChart::y_to_pixel(double y, const QRectF& plot) const {
  const double lo = y_axis_->min();
  const double span = y_axis_->max() - lo;
  return plot.bottom() - (span > 0 ? (y - lo) / span : 0.0) * plot.height();
}

void TimeSeriesChart::draw_curves(QPainter* painter, const QRectF& plot) {
  const double x_span = view_max_ - view_min_;
  if (!(x_span > 0)) return;
  const double sx = plot.width() / x_span;
  QPolygonF polygon;
  QVector<QLineF> segments;
  double y_lo = 0.0;
  double sy = 0.0;
  // Picks the line's y axis for the next to_pixels(); false when that axis has no span.
  auto use_axis_of = [&](const Line& line) {
    const QValueAxis* axis = axis_of(line);
    y_lo = axis->min();
    const double y_span = axis->max() - y_lo;
    sy = y_span > 0 ? plot.height() / y_span : 0.0;
    return y_span > 0;
  };
  auto to_pixels = [&](const QList<QPointF>& points) {
    polygon.resize(points.size());
    for (qsizetype i = 0; i < points.size(); ++i) {
      polygon[i] = QPointF(plot.left() + (points[i].x() - view_min_) * sx,
                           plot.bottom() - (points[i].y() - y_lo) * sy);
    }
  };
  // All faint raw curves first, so none of them covers a smoothed one.
  for (int i = 0; i < line_count(); ++i) {
    const Line& line = lines_[static_cast<std::size_t>(i)];
    if (line.shown_faint.size() < 2 || !use_axis_of(line)) continue;
    to_pixels(line.shown_faint);
    if (polygon.size() > plot.width()) {
      draw_column_spans(painter, polygon, faint_pen(i).color());
    } else {
      painter->setPen(faint_pen(i));
      painter->drawPolyline(polygon);
    }
  }
  auto draw_bold = [&](const Line& line) {
    if (line.shown.isEmpty() || !use_axis_of(line)) return;
    to_pixels(line.shown);
    const QPen pen = pen_for(line);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    // By drawn point: measured while the line's expert was dormant (empty: never).
    std::vector<char> dormant;
    if (line.any_dormant_point) {
      dormant.resize(static_cast<std::size_t>(polygon.size()));
      for (qsizetype i = 0; i < line.shown.size(); ++i) {
        const qsizetype at = lower_index(line.raw, line.shown[i].x());
        dormant[static_cast<std::size_t>(i)] =
            at < line.dormant_points.size() ? line.dormant_points[at] : 0;
      }
    }
    if (!dormant.empty() && polygon.size() > 1) {
      // The stretch that ends at a dormant point is dashed and faded, the others as they are.
      QColor faded = pen.color();
      faded.setAlpha(kDormantAlpha);
      QPen dormant_pen(faded, pen.widthF(), Qt::DashLine);
      for (qsizetype i = 1; i < polygon.size(); ++i) {
        painter->setPen(dormant[static_cast<std::size_t>(i)] ? dormant_pen : pen);
        painter->drawLine(polygon[i - 1], polygon[i]);
      }
    } else if (polygon.size() > 1 && pen.style() == Qt::SolidLine) {
      // Separate segments take the raster engine's line rasteriser; a wide polyline is stroked
      // into one outline whose scanline fill costs (rows x segments) on a min/max zigzag.
      segments.resize(polygon.size() - 1);
      for (qsizetype i = 1; i < polygon.size(); ++i) {
        segments[i - 1] = QLineF(polygon[i - 1], polygon[i]);
      }
      painter->drawLines(segments.constData(), static_cast<int>(segments.size()));
    } else if (polygon.size() > 1) {
      painter->drawPolyline(polygon);  // a dash pattern must run on across the joints
    }
    if (line.style.show_points) {
      // Hollow dots where the expert was dormant: still measured, it just got (almost) nothing.
      const double r = line.style.width + 0.8;
      for (qsizetype i = 0; i < polygon.size(); ++i) {
        const bool hollow = !dormant.empty() && dormant[static_cast<std::size_t>(i)];
        painter->setPen(hollow ? QPen(pen.color(), 1.2) : QPen(Qt::NoPen));
        painter->setBrush(hollow ? ChartStyle::background() : pen.color());
        painter->drawEllipse(polygon[i], r, r);
      }
    }
  };
  // The lines drawn behind first, so that this run's curves lie on top of other runs'.
  for (const Line& line : lines_) {
    if (line.style.behind) draw_bold(line);
  }
  for (const Line& line : lines_) {
    if (!line.style.behind) draw_bold(line);
  }
}

void TimeSeriesChart::draw_column_spans(QPainter* painter, const QPolygonF& polygon,
                                        const QColor& color) {
  // A curve with more points than pixel columns is, on screen, one vertical run of pixels per
  // column. Filling those runs is what a 1 px line would light up, without anti-aliasing every
  // up-and-down of the noise: the faint raw curve of a long run costs a few hundred rectangles.
  // Each run also reaches the previous column's last point, so a jump stays connected.
  QVector<QRect> runs;
  runs.reserve(static_cast<qsizetype>(polygon.size() / 2 + 1));
  auto flush = [&runs](int column, int width, double lo, double hi) {
    const int top = static_cast<int>(std::floor(lo));
    const int bottom = static_cast<int>(std::floor(hi));
    runs.push_back(QRect(column, top, std::max(width, 1), bottom - top + 1));
  };
  int column = static_cast<int>(std::floor(polygon[0].x()));
  double lo = polygon[0].y();
  double hi = lo;
  for (qsizetype i = 1; i < polygon.size(); ++i) {
    const QPointF& p = polygon[i];
    const int c = static_cast<int>(std::floor(p.x()));
    if (c != column) {
      flush(column, c - column, lo, hi);
      const double previous = polygon[i - 1].y();
      lo = std::min(previous, p.y());
      hi = std::max(previous, p.y());
      column = c;
    } else {
      lo = std::min(lo, p.y());
      hi = std::max(hi, p.y());
    }
  }
  flush(column, 1, lo, hi);
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing, false);
  painter->setPen(Qt::NoPen);
  painter->setBrush(color);
  painter->drawRects(runs.constData(), static_cast<int>(runs.size()));
  painter->restore();
}

void TimeSeriesChart::draw_references(QPainter* painter, const QRectF& plot) {
  const QFont font = ChartStyle::small_font();
  const QFontMetricsF fm(font);
  painter->setFont(font);
  for (const Reference& r : references_) {
    const double py = y_to_pixel(r.y, plot);
    if (py < plot.top() || py > plot.bottom()) continue;
    QPen pen(ChartStyle::reference_line(), 1.2, Qt::DashLine);
    painter->setPen(pen);
    painter->drawLine(QPointF(plot.left(), py), QPointF(plot.right(), py));
    const double w = fm.horizontalAdvance(r.label);
    // Above the line, or below when the line hugs the top of the plot.
    const double top = py - fm.height() - 2 < plot.top() ? py + 2 : py - fm.height() - 2;
    // At the left end: curves start low (accuracy) or early (utilisation), so that end is free
    // more often than the newest one.
    const QRectF box(plot.left() + 4, top, w + 6, fm.height());
    QColor under = ChartStyle::background();
    under.setAlpha(210);
    painter->fillRect(box, under);
    painter->setPen(ChartStyle::reference_line());
    painter->drawText(box, Qt::AlignCenter, r.label);
  }
}

std::vector<EventLane::Event> TimeSeriesChart::lane_events(const QRectF& plot) const {
  std::vector<EventLane::Event> events;
  for (const Marker& m : markers_) {
    const double px = x_to_pixel(clock_->x(m.at, axis_), plot);
    if (px < plot.left() - 1 || px > plot.right() + 1) continue;
    events.push_back(
        {px, m.label,
         m.kind == MarkerKind::Split ? EventLane::Kind::Split : EventLane::Kind::Switch});
  }
  return events;
}

std::vector<EventLane::Label> TimeSeriesChart::lane_labels(
    const QRectF& plot, const std::vector<EventLane::Event>& events) const {
  QRectF lane = lane_rect(plot);
  lane.setBottom(lane.bottom() - kTickLength);  // the ticks' room
  return EventLane::layout(events, lane, QFontMetricsF(ChartStyle::small_font()));
}

std::vector<EventLane::Label> TimeSeriesChart::event_lane_labels() const {
  const QRectF plot = plot_rect();
  return lane_labels(plot, lane_events(plot));
}

QString TimeSeriesChart::event_lane_tooltip(const QPointF& pos) const {
  const QRectF plot = plot_rect();
  const std::vector<EventLane::Event> events = lane_events(plot);
  for (const EventLane::Label& label : lane_labels(plot, events)) {
    if (label.box.contains(pos)) return EventLane::tooltip(events, label);
  }
  return {};
}

void TimeSeriesChart::draw_markers(QPainter* painter, const QRectF& plot) {
  const std::vector<EventLane::Event> events = lane_events(plot);
  if (events.empty()) return;
  const auto colour = [](EventLane::Kind kind) {
    return kind == EventLane::Kind::Split ? ChartStyle::split_marker()
                                          : ChartStyle::switch_marker();
  };
  // A thin guide through the plot and a tick in the lane, per event.
  const QRectF lane = lane_rect(plot);
  for (const EventLane::Event& e : events) {
    QColor guide = colour(e.kind);
    guide.setAlpha(110);
    painter->setPen(
        QPen(guide, 1.0, e.kind == EventLane::Kind::Split ? Qt::DashLine : Qt::DashDotLine));
    painter->drawLine(QPointF(e.px, plot.top()), QPointF(e.px, plot.bottom()));
    painter->setPen(QPen(colour(e.kind), 2.0, Qt::SolidLine, Qt::FlatCap));
    painter->drawLine(QPointF(e.px, plot.top() - kTickLength), QPointF(e.px, plot.top()));
  }
  // The labels, one per event or cluster; a cluster of one kind takes that kind's colour.
  const QFont font = ChartStyle::small_font();
  painter->setFont(font);
  for (const EventLane::Label& label : lane_labels(plot, events)) {
    const EventLane::Kind kind = events[static_cast<std::size_t>(label.members.front())].kind;
    const bool one_kind = std::all_of(label.members.begin(), label.members.end(), [&](int m) {
      return events[static_cast<std::size_t>(m)].kind == kind;
    });
    painter->setPen(one_kind ? colour(kind) : ChartStyle::text());
    painter->drawText(label.box, Qt::AlignCenter, label.text);
    if (label.members.size() > 1) {
      // A cluster's label spans its first to its last tick with a bracket under the text.
      const double first = events[static_cast<std::size_t>(label.members.front())].px;
      const double last = events[static_cast<std::size_t>(label.members.back())].px;
      painter->drawLine(QPointF(first, lane.bottom() - kTickLength),
                        QPointF(last, lane.bottom() - kTickLength));
    }
  }
}

}  // namespace moelab::ui
