// TimeSeriesChart's interaction: wheel zoom, drag pan, double-click reset, hover values.
#include <QContextMenuEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QToolTip>
#include <QWheelEvent>
#include <QtCharts/QChart>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_style.h"
#include "charts/sorted_points.h"
#include "charts/time_series_chart.h"

namespace moelab::ui {

namespace {

constexpr double kZoomPerNotch = 0.8;

QString format_value(double v) {
  const double a = std::abs(v);
  if (a != 0.0 && (a < 1e-3 || a >= 1e5)) return QString::number(v, 'e', 2);
  return QString::number(v, 'f', a >= 100 ? 1 : 4);
}

}  // namespace

QString TimeSeriesChart::tooltip_text(double x) const {
  // Lines that start later (an expert born at a split) are left out before their first point.
  const double tolerance = 0.02 * (view_max_ - view_min_);
  QString rows;
  const XStamp* header = nullptr;
  double header_distance = std::numeric_limits<double>::infinity();
  for (const Line& line : lines_) {
    const QVector<QPointF>& buffer = drawn(line);
    if (buffer.isEmpty()) continue;
    if (x < buffer.front().x() - tolerance || x > buffer.back().x() + tolerance) continue;
    const qsizetype i = nearest_index(buffer, x);
    const double distance = std::abs(buffer[i].x() - x);
    if (distance < header_distance) {
      header_distance = distance;
      header = &line.stamps[i];
    }
    QString value = format_value(buffer[i].y());
    if (smoothing_applies(line)) {
      value += QStringLiteral(" <span style='color:#6b7280'>(raw %1)</span>")
                   .arg(format_value(line.raw[i].y()));
    }
    rows += QStringLiteral(
                "<tr><td><span style='color:%1'>&#9632;</span> %2</td>"
                "<td align='right'>&nbsp;%3</td></tr>")
                .arg(line.style.color.name(), line.name.toHtmlEscaped(), value);
  }
  // What happened at a marker nearby (a split's effect on the validation set).
  QString events;
  for (const Marker& m : markers_) {
    if (m.detail.isEmpty() || std::abs(clock_->x(m.at, axis_) - x) > tolerance) continue;
    events += QStringLiteral("<br><span style='color:%1'>%2</span>")
                  .arg((m.kind == MarkerKind::Split ? ChartStyle::split_marker()
                                                    : ChartStyle::switch_marker())
                           .name(),
                       m.detail.toHtmlEscaped());
  }
  if (rows.isEmpty()) return events.isEmpty() ? QString() : events.mid(4);
  QString head;
  if (header) {
    head = QStringLiteral("<b>step %1 &middot; epoch %2 &middot; %3 s</b>")
               .arg(static_cast<qint64>(header->step))
               .arg(clock_->epoch_x(*header), 0, 'f', 2)
               .arg(header->wall, 0, 'f', 1);
  }
  return QStringLiteral("%1%2<table cellspacing='0' cellpadding='1'>%3</table>")
      .arg(head, events, rows);
}

int TimeSeriesChart::fork_epoch_at(double x) const {
  const double tolerance = 0.02 * (view_max_ - view_min_);
  for (const Marker& m : markers_) {
    if (m.kind == MarkerKind::Split && std::abs(clock_->x(m.at, axis_) - x) <= tolerance) {
      return std::max(0, m.at.epoch - 1);
    }
  }
  const XStamp* nearest = nullptr;
  double nearest_distance = std::numeric_limits<double>::infinity();
  for (const Line& line : lines_) {
    if (line.raw.isEmpty()) continue;
    const qsizetype i = nearest_index(line.raw, x);
    const double distance = std::abs(line.raw[i].x() - x);
    if (distance < nearest_distance) {
      nearest_distance = distance;
      nearest = &line.stamps[i];
    }
  }
  if (!nearest) return -1;
  return std::max(0, static_cast<int>(std::lround(clock_->epoch_x(*nearest))));
}

void TimeSeriesChart::contextMenuEvent(QContextMenuEvent* event) {
  const QRectF plot = plot_rect();
  const QPointF pos = mapToScene(event->pos());
  if (!forkable_ || !plot.contains(pos)) {
    QChartView::contextMenuEvent(event);
    return;
  }
  const int epoch = fork_epoch_at(pixel_to_x(pos.x(), plot));
  if (epoch < 0) return;
  QMenu menu(this);
  QAction* fork = menu.addAction(tr("Fork from here (after epoch %1)").arg(epoch));
  if (menu.exec(event->globalPos()) == fork) Q_EMIT fork_requested(epoch);
  event->accept();
}

void TimeSeriesChart::resizeEvent(QResizeEvent* event) {
  QChartView::resizeEvent(event);
  dirty_ = true;
}

void TimeSeriesChart::wheelEvent(QWheelEvent* event) {
  const QRectF plot = plot_rect();
  const QPointF pos = mapToScene(event->position().toPoint());
  const double notches = event->angleDelta().y() / 120.0;
  if (notches == 0.0 || !plot.contains(pos)) {
    event->ignore();
    return;
  }
  const double x = pixel_to_x(pos.x(), plot);
  const double factor = std::pow(kZoomPerNotch, notches);
  navigate_to(x - (x - view_min_) * factor, x + (view_max_ - x) * factor);
  event->accept();
}

void TimeSeriesChart::mousePressEvent(QMouseEvent* event) {
  const QPointF pos = mapToScene(event->position().toPoint());
  if (event->button() == Qt::LeftButton && plot_rect().contains(pos)) {
    dragging_ = true;
    drag_start_ = pos;
    drag_min_ = view_min_;
    drag_max_ = view_max_;
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QChartView::mousePressEvent(event);
}

void TimeSeriesChart::mouseMoveEvent(QMouseEvent* event) {
  const QRectF plot = plot_rect();
  const QPointF pos = mapToScene(event->position().toPoint());
  if (dragging_) {
    const double shift = (pos.x() - drag_start_.x()) * (drag_max_ - drag_min_) / plot.width();
    navigate_to(drag_min_ - shift, drag_max_ - shift);
    event->accept();
    return;
  }
  const bool inside = plot.contains(pos);
  if (inside) {
    hover_x_ = pixel_to_x(pos.x(), plot);
    const QString text = tooltip_text(hover_x_);
    if (text.isEmpty()) {
      QToolTip::hideText();
    } else {
      QToolTip::showText(event->globalPosition().toPoint() + QPoint(16, 8), text, this);
    }
  } else if (const QString events = event_lane_tooltip(pos); !events.isEmpty()) {
    QToolTip::showText(event->globalPosition().toPoint() + QPoint(16, 8), events, this);
  } else if (hovering_) {
    QToolTip::hideText();
  }
  if (inside || hovering_) viewport()->update();
  hovering_ = inside;
  QChartView::mouseMoveEvent(event);
}

void TimeSeriesChart::mouseReleaseEvent(QMouseEvent* event) {
  if (dragging_ && event->button() == Qt::LeftButton) {
    dragging_ = false;
    viewport()->unsetCursor();
    event->accept();
    return;
  }
  QChartView::mouseReleaseEvent(event);
}

void TimeSeriesChart::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) {
    QChartView::mouseDoubleClickEvent(event);
    return;
  }
  dragging_ = false;
  viewport()->unsetCursor();
  reset_zoom();
  refresh();
  Q_EMIT reset_zoom_requested();
  event->accept();
}

bool TimeSeriesChart::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::Leave && hovering_) {
    hovering_ = false;
    QToolTip::hideText();
    viewport()->update();
  }
  return QChartView::viewportEvent(event);
}

void TimeSeriesChart::navigate_to(double min, double max) {
  if (!(max > min) || max - min < 1e-9) return;
  set_x_range(min, max);
  refresh();
  Q_EMIT x_range_navigated(min, max);
}

}  // namespace moelab::ui
