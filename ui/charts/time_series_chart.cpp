#include "charts/time_series_chart.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QToolTip>
#include <QWheelEvent>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_style.h"

namespace moelab::ui {

namespace {

constexpr int kDormantAlpha = 120;
constexpr double kZoomPerNotch = 0.8;
constexpr double kFollowHeadroom = 0.1;

double nice_interval(double span, int ticks, bool integer_steps) {
  if (!(span > 0) || ticks < 1) return 1.0;
  const double raw = span / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double nice = 10.0 * magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0}) {
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

// Index of the first point with x >= value in a buffer sorted by x.
qsizetype lower_index(const QVector<QPointF>& points, double value) {
  const auto it = std::lower_bound(points.cbegin(), points.cend(), value,
                                   [](const QPointF& p, double v) { return p.x() < v; });
  return it - points.cbegin();
}

qsizetype nearest_index(const QVector<QPointF>& points, double x) {
  const qsizetype i = lower_index(points, x);
  if (i >= points.size()) return points.size() - 1;
  if (i > 0 && x - points[i - 1].x() <= points[i].x() - x) return i - 1;
  return i;
}

QString format_value(double v) {
  const double a = std::abs(v);
  if (a != 0.0 && (a < 1e-3 || a >= 1e5)) return QString::number(v, 'e', 2);
  return QString::number(v, 'f', a >= 100 ? 1 : 4);
}

}  // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& y_title,
                                 std::shared_ptr<const XClock> clock, QWidget* parent)
    : QChartView(new QChart(), parent),
      clock_(clock ? std::move(clock) : std::make_shared<const XClock>()) {
  setRenderHint(QPainter::Antialiasing, true);
  setRubberBand(QChartView::NoRubberBand);
  setMouseTracking(true);
  viewport()->setMouseTracking(true);
  setFrameShape(QFrame::NoFrame);
  setMinimumSize(280, 200);

  QChart* c = chart();
  ChartStyle::apply(c);
  c->setTitle(title);
  x_axis_ = new QValueAxis(this);
  y_axis_ = new QValueAxis(this);
  ChartStyle::apply(x_axis_, x_title());
  ChartStyle::apply(y_axis_, y_title);
  c->addAxis(x_axis_, Qt::AlignBottom);
  c->addAxis(y_axis_, Qt::AlignLeft);
  x_axis_->setTickInterval(0.2);
  y_axis_->setTickInterval(0.2);
  x_axis_->setRange(0.0, 1.0);
  y_axis_->setRange(0.0, 1.0);
  clock_version_ = clock_->epoch_version();
  // The plot area is laid out after a resize, not during it, and decimation and ticks depend on
  // its size: redraw once it is known, after the layout pass (refreshing inside the layout
  // could change tick labels and so the layout again).
  connect(c, &QChart::plotAreaChanged, this, [this] {
    dirty_ = true;
    if (refresh_queued_) return;
    refresh_queued_ = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
          refresh_queued_ = false;
          refresh();
        },
        Qt::QueuedConnection);
  });
}

TimeSeriesChart::~TimeSeriesChart() = default;

// --- data ---

int TimeSeriesChart::add_line(const QString& key, const QString& name, const LineStyle& style) {
  if (const int existing = find_line(key); existing >= 0) return existing;
  Line line;
  line.key = key;
  line.name = name;
  line.style = style;
  line.ema.set_weight(smoothing_);
  line.series = new QLineSeries(this);
  line.series->setUseOpenGL(false);  // no GPU on the lab machines; and the series stays empty
  chart()->addSeries(line.series);
  line.series->attachAxis(x_axis_);
  line.series->attachAxis(y_axis_);
  lines_.push_back(std::move(line));
  apply_pen(lines_.back());
  dirty_ = true;
  return line_count() - 1;
}

int TimeSeriesChart::find_line(const QString& key) const {
  for (int i = 0; i < line_count(); ++i) {
    if (lines_[static_cast<std::size_t>(i)].key == key) return i;
  }
  return -1;
}

void TimeSeriesChart::append(int index, const XStamp& at, double y) {
  if (index < 0 || index >= line_count() || !std::isfinite(y)) return;
  Line& line = lines_[static_cast<std::size_t>(index)];
  const double x = clock_->x(at, axis_);
  line.stamps.push_back(at);
  line.raw.push_back(QPointF(x, y));
  if (smoothing_applies(line)) line.smooth.push_back(QPointF(x, line.ema.push(y)));
  dirty_ = true;
}

void TimeSeriesChart::set_line_name(int index, const QString& name) {
  if (index < 0 || index >= line_count()) return;
  Line& line = lines_[static_cast<std::size_t>(index)];
  if (line.name == name) return;
  line.name = name;
  line.series->setName(name);
}

void TimeSeriesChart::set_line_dormant(int index, bool dormant) {
  if (index < 0 || index >= line_count()) return;
  Line& line = lines_[static_cast<std::size_t>(index)];
  if (line.dormant == dormant) return;
  line.dormant = dormant;
  apply_pen(line);
  dirty_ = true;
}

void TimeSeriesChart::add_marker(const XStamp& at, const QString& label, MarkerKind kind) {
  markers_.push_back({at, label, kind});
  dirty_ = true;
}

void TimeSeriesChart::set_reference_line(const QString& key, double y, const QString& label) {
  for (Reference& r : references_) {
    if (r.key == key) {
      r.y = y;
      r.label = label;
      dirty_ = true;
      return;
    }
  }
  references_.push_back({key, label, y});
  dirty_ = true;
}

void TimeSeriesChart::clear() {
  for (Line& line : lines_) {
    line.stamps.clear();
    line.raw.clear();
    line.smooth.clear();
    line.ema.reset();
    line.dormant = false;
    apply_pen(line);
    line.shown.clear();
    line.shown_faint.clear();
    ++line.generation;
  }
  markers_.clear();
  references_.clear();
  follow_extent_ = -std::numeric_limits<double>::infinity();
  follow_ = true;
  follow_range_valid_ = false;
  view_min_ = 0.0;
  view_max_ = 1.0;
  dirty_ = true;
}

void TimeSeriesChart::remove_lines() {
  for (Line& line : lines_) {
    chart()->removeSeries(line.series);
    delete line.series;
  }
  lines_.clear();
  dirty_ = true;
}

// --- view ---

void TimeSeriesChart::set_x_axis(XAxis axis) {
  if (axis == axis_) return;
  axis_ = axis;
  remap_x();
  x_axis_->setTitleText(x_title());
  follow_extent_ = -std::numeric_limits<double>::infinity();
  follow_range_valid_ = false;
  // The old range is in the old unit: show the whole run; following stays as the user set it.
  update_x_range_from_data();
  dirty_ = true;
}

void TimeSeriesChart::set_smoothing(double weight) {
  weight = std::isfinite(weight) ? std::clamp(weight, 0.0, 0.99) : 0.0;
  if (weight == smoothing_) return;
  smoothing_ = weight;
  for (Line& line : lines_) resmooth(line);
  dirty_ = true;
}

void TimeSeriesChart::set_follow(bool follow) {
  if (follow == follow_) return;
  follow_ = follow;
  follow_range_valid_ = false;
  dirty_ = true;
}

void TimeSeriesChart::set_x_range(double min, double max) {
  if (!(max > min) || !std::isfinite(min) || !std::isfinite(max)) return;
  follow_ = false;
  follow_range_valid_ = false;
  view_min_ = min;
  view_max_ = max;
  dirty_ = true;
}

void TimeSeriesChart::reset_zoom() {
  follow_ = true;
  follow_range_valid_ = false;
  update_x_range_from_data();
  dirty_ = true;
}

void TimeSeriesChart::set_y_range(YRange mode, double lo, double hi) {
  y_mode_ = mode;
  y_lo_ = lo;
  y_hi_ = hi;
  dirty_ = true;
}

double TimeSeriesChart::data_x_max() const {
  double hi = -std::numeric_limits<double>::infinity();
  // From the stamps, not the buffers: after an epoch ends the buffers are re-mapped only at the
  // next refresh.
  for (const Line& line : lines_) {
    if (!line.stamps.isEmpty()) hi = std::max(hi, clock_->x(line.stamps.back(), axis_));
  }
  for (const Marker& m : markers_) hi = std::max(hi, clock_->x(m.at, axis_));
  return hi;
}

void TimeSeriesChart::set_follow_extent(double x) {
  if (x == follow_extent_) return;
  follow_extent_ = x;
  if (follow_) dirty_ = true;
}

bool TimeSeriesChart::refresh() {
  const bool clock_moved = clock_->epoch_version() != clock_version_;
  clock_version_ = clock_->epoch_version();
  // A finished epoch fixes the epoch x of the points of that epoch.
  if (clock_moved && axis_ == XAxis::Epoch) {
    remap_x();
    dirty_ = true;
  }
  if (!dirty_) return false;
  dirty_ = false;
  if (follow_) update_x_range_from_data();
  place_legend();
  push_points();
  viewport()->update();
  ++refresh_count_;
  return true;
}

// --- read-back ---

QString TimeSeriesChart::line_key(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].key : QString();
}

QString TimeSeriesChart::line_name(int line) const {
  return line >= 0 && line < line_count() ? lines_[static_cast<std::size_t>(line)].name : QString();
}

bool TimeSeriesChart::line_dormant(int line) const {
  return line >= 0 && line < line_count() && lines_[static_cast<std::size_t>(line)].dormant;
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
  if (rows.isEmpty()) return QString();
  QString head;
  if (header) {
    head = QStringLiteral("<b>step %1 &middot; epoch %2 &middot; %3 s</b>")
               .arg(static_cast<qint64>(header->step))
               .arg(clock_->epoch_x(*header), 0, 'f', 2)
               .arg(header->wall, 0, 'f', 1);
  }
  return QStringLiteral("%1<table cellspacing='0' cellpadding='1'>%2</table>").arg(head, rows);
}

// --- events ---

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

void TimeSeriesChart::drawForeground(QPainter* painter, const QRectF& rect) {
  QChartView::drawForeground(painter, rect);
  const QRectF plot = plot_rect();
  if (plot.width() < 2 || plot.height() < 2) return;
  painter->save();
  painter->setClipRect(plot.adjusted(-1, -1, 1, 1));
  painter->setRenderHint(QPainter::Antialiasing, true);
  draw_curves(painter, plot);
  draw_references(painter, plot);
  draw_markers(painter, plot);
  if (hovering_) {
    const double px = x_to_pixel(hover_x_, plot);
    painter->setPen(QPen(ChartStyle::axis_line(), 1.0));
    painter->drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
  }
  painter->restore();
}

// --- internals ---

bool TimeSeriesChart::smoothing_applies(const Line& line) const {
  return line.style.smoothable && smoothing_ > 0.0;
}

const QVector<QPointF>& TimeSeriesChart::drawn(const Line& line) const {
  return smoothing_applies(line) ? line.smooth : line.raw;
}

QPen TimeSeriesChart::pen_for(const Line& line) const {
  QColor color = line.style.color;
  if (line.dormant) color.setAlpha(kDormantAlpha);
  QPen pen(color, line.style.width);
  pen.setStyle(line.dormant ? Qt::DashLine : line.style.pen_style);
  // Curves are drawn as separate segments: square caps close the joints between them.
  pen.setCapStyle(Qt::SquareCap);
  pen.setJoinStyle(Qt::BevelJoin);
  return pen;
}

void TimeSeriesChart::apply_pen(Line& line) {
  const QPen pen = pen_for(line);
  line.series->setPen(pen);
  line.series->setColor(pen.color());
  line.series->setBrush(pen.color());
  line.series->setName(line.name);
}

void TimeSeriesChart::remap_x() {
  for (Line& line : lines_) {
    ++line.generation;
    const bool smooth = !line.smooth.isEmpty();
    for (qsizetype i = 0; i < line.raw.size(); ++i) {
      const double x = clock_->x(line.stamps[i], axis_);
      line.raw[i].setX(x);
      if (smooth) line.smooth[i].setX(x);
    }
  }
}

void TimeSeriesChart::resmooth(Line& line) {
  ++line.generation;
  line.ema.set_weight(smoothing_);
  line.smooth.clear();
  if (!smoothing_applies(line)) {
    line.smooth.squeeze();
    return;
  }
  line.smooth.reserve(line.raw.size());
  for (const QPointF& p : line.raw) line.smooth.push_back(QPointF(p.x(), line.ema.push(p.y())));
}

void TimeSeriesChart::update_x_range_from_data() {
  double lo = 0.0;
  double hi = -std::numeric_limits<double>::infinity();
  for (const Line& line : lines_) {
    if (line.raw.isEmpty()) continue;
    lo = std::min(lo, line.raw.front().x());
    hi = std::max(hi, line.raw.back().x());
  }
  for (const Marker& m : markers_) hi = std::max(hi, clock_->x(m.at, axis_));
  hi = std::max(hi, follow_extent_);
  if (!(hi > lo)) hi = lo + 1.0;
  // The range grows in steps of a tenth rather than with every report: the axis stays still
  // enough to read while the run goes on, and the pixel columns stay put so the decimation only
  // scans what is new. It starts over when the data no longer fills half of it (a new run).
  const bool fits = lo == view_min_ && hi <= view_max_ && hi - lo >= 0.5 * (view_max_ - lo);
  if (fits && follow_range_valid_) return;
  view_min_ = lo;
  view_max_ = hi + kFollowHeadroom * (hi - lo);
  follow_range_valid_ = true;
}

void TimeSeriesChart::push_points() {
  const int columns = std::max(50, static_cast<int>(plot_rect().width()));
  // Shared by every curve: the y range is taken from what is drawn.
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  auto visible = [&](const QVector<QPointF>& buffer, MinMaxDecimator& decimator,
                     std::uint64_t generation) {
    // One point beyond each edge keeps the line running to the frame when zoomed in.
    const qsizetype first = std::max<qsizetype>(0, lower_index(buffer, view_min_) - 1);
    const qsizetype last = std::min<qsizetype>(buffer.size(), lower_index(buffer, view_max_) + 1);
    QList<QPointF> out =
        decimator.decimate(buffer, first, last, view_min_, view_max_, columns, generation);
    for (const QPointF& p : out) {
      if (p.x() < view_min_ || p.x() > view_max_) continue;
      lo = std::min(lo, p.y());
      hi = std::max(hi, p.y());
    }
    return out;
  };
  for (Line& line : lines_) {
    line.shown = visible(drawn(line), line.bold_decimator, line.generation);
    line.shown_faint = smoothing_applies(line)
                           ? visible(line.raw, line.faint_decimator, line.generation)
                           : QList<QPointF>();
  }
  double y_lo = y_lo_;
  double y_hi = y_hi_;
  if (y_mode_ != YRange::Fixed) {
    for (const Reference& r : references_) {
      lo = std::min(lo, r.y);
      hi = std::max(hi, r.y);
    }
    if (!(hi >= lo)) {
      lo = 0.0;
      hi = 1.0;
    }
    if (y_mode_ == YRange::AutoFromZero) lo = std::min(lo, 0.0);
    double span = hi - lo;
    if (span < 1e-9) span = std::max(std::abs(hi) * 0.1, 0.1);
    y_lo = y_mode_ == YRange::AutoFromZero && lo >= 0.0 ? 0.0 : lo - 0.06 * span;
    y_hi = hi + 0.08 * span;
  }
  const QRectF plot = plot_rect();
  if (plot.width() >= 50 && plot.height() >= 20) {
    const double sx = plot.width() / (view_max_ - view_min_);
    const double sy = plot.height() / (y_hi - y_lo);
    for (Line& line : lines_) {
      drop_subpixel_steps(line.shown, sx, sy);
      drop_subpixel_steps(line.shown_faint, sx, sy);
    }
  }
  // The same number of x ticks on every chart wide enough, so charts stacked in a column of the
  // dashboard label the same steps even when a side legend makes one of them narrower.
  const int x_ticks = plot.width() >= 240 ? 5 : 3;
  set_axis_range(x_axis_, view_min_, view_max_, x_ticks, axis_ == XAxis::Step);
  set_axis_range(y_axis_, y_lo, y_hi, std::max(3, static_cast<int>(plot.height()) / 45), false);
}

void TimeSeriesChart::set_axis_range(QValueAxis* axis, double min, double max, int ticks,
                                     bool integer_steps) {
  const double interval = nice_interval(max - min, std::max(ticks, 2), integer_steps);
  // QValueAxis builds one item per tick on every change: with the old interval over the new
  // range (0..1 by 0.2 becoming 0..100000) that is half a million items. Changing the interval
  // and the range in the right order keeps every intermediate state at most as dense as the
  // old or the new one.
  const bool coarser = interval > axis->tickInterval();
  if (coarser) axis->setTickInterval(interval);
  axis->setRange(min, max);
  if (!coarser && axis->tickInterval() != interval) axis->setTickInterval(interval);
  const QString format = QStringLiteral("%.%1f").arg(decimals_for(interval));
  if (axis->labelFormat() != format) axis->setLabelFormat(format);
}

QString TimeSeriesChart::x_title() const {
  switch (axis_) {
    case XAxis::Step:
      return tr("step");
    case XAxis::Epoch:
      return tr("epoch");
    case XAxis::WallTime:
      return tr("wall time (s)");
  }
  return QString();
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

void TimeSeriesChart::set_legend_auto_placement(bool automatic) {
  legend_auto_ = automatic;
  if (!automatic) chart()->legend()->setAlignment(Qt::AlignBottom);
  dirty_ = true;
}

void TimeSeriesChart::place_legend() {
  if (!legend_auto_) return;
  const QFontMetricsF fm(ChartStyle::label_font());
  double needed = 0;
  for (const Line& line : lines_) needed += fm.horizontalAdvance(line.name) + fm.height() + 16;
  const Qt::Alignment side =
      needed <= chart()->size().width() - 16 ? Qt::AlignBottom : Qt::AlignRight;
  if (chart()->legend()->alignment() != side) chart()->legend()->setAlignment(side);
}

void TimeSeriesChart::draw_curves(QPainter* painter, const QRectF& plot) {
  const double x_span = view_max_ - view_min_;
  const double y_lo = y_axis_->min();
  const double y_span = y_axis_->max() - y_lo;
  if (!(x_span > 0) || !(y_span > 0)) return;
  const double sx = plot.width() / x_span;
  const double sy = plot.height() / y_span;
  QPolygonF polygon;
  QVector<QLineF> segments;
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
    if (line.shown_faint.size() < 2) continue;
    to_pixels(line.shown_faint);
    if (polygon.size() > plot.width()) {
      draw_column_spans(painter, polygon, faint_pen(i).color());
    } else {
      painter->setPen(faint_pen(i));
      painter->drawPolyline(polygon);
    }
  }
  for (const Line& line : lines_) {
    if (line.shown.isEmpty()) continue;
    to_pixels(line.shown);
    const QPen pen = pen_for(line);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    if (polygon.size() > 1 && pen.style() == Qt::SolidLine) {
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
      // Hollow dots for a dormant expert: still measured, it just gets (almost) nothing.
      painter->setPen(line.dormant ? QPen(pen.color(), 1.2) : QPen(Qt::NoPen));
      painter->setBrush(line.dormant ? QColor(Qt::white) : pen.color());
      const double r = line.style.width + 0.8;
      for (const QPointF& p : polygon) painter->drawEllipse(p, r, r);
    }
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
    painter->fillRect(box, QColor(255, 255, 255, 210));
    painter->setPen(ChartStyle::reference_line());
    painter->drawText(box, Qt::AlignCenter, r.label);
  }
}

void TimeSeriesChart::draw_markers(QPainter* painter, const QRectF& plot) {
  if (markers_.empty()) return;
  struct Placed {
    double px;
    const Marker* marker;
  };
  std::vector<Placed> placed;
  placed.reserve(markers_.size());
  for (const Marker& m : markers_) {
    const double px = x_to_pixel(clock_->x(m.at, axis_), plot);
    if (px >= plot.left() - 1 && px <= plot.right() + 1) placed.push_back({px, &m});
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const Placed& a, const Placed& b) { return a.px < b.px; });

  const QFont font = ChartStyle::small_font();
  const QFontMetricsF fm(font);
  painter->setFont(font);
  for (const Placed& p : placed) {
    const bool split = p.marker->kind == MarkerKind::Split;
    QPen pen(split ? ChartStyle::split_marker() : ChartStyle::switch_marker(), 1.4,
             split ? Qt::DashLine : Qt::DashDotLine);
    painter->setPen(pen);
    painter->drawLine(QPointF(p.px, plot.top()), QPointF(p.px, plot.bottom()));
  }

  // Labels run upwards along their line, from the top of the plot; in a plot too short for
  // that they lie flat beside it, in rows. A label that would overprint an earlier one moves down
  // below it; one that finds no room is left out (the line stays, and the label nearby names the
  // crowd).
  const double gap = 4;
  double longest = 0;
  for (const Placed& p : placed) {
    longest = std::max(longest, fm.horizontalAdvance(p.marker->label) + 6);
  }
  const bool upright = longest + 2 * gap <= plot.height();
  std::vector<QRectF> taken;
  for (const Placed& p : placed) {
    const double room = upright ? plot.height() - 2 * gap : plot.width() / 2;
    const QString text = fm.elidedText(p.marker->label, Qt::ElideRight, room);
    const double length = fm.horizontalAdvance(text) + 6;
    const double across = upright ? fm.height() : length;
    // Past the right edge the label goes on the left of its line.
    const double left = p.px + across + 2 > plot.right() ? p.px - across - 1 : p.px + 1;
    QRectF box(left, plot.top() + gap, across, upright ? length : fm.height());
    bool moved = true;
    while (moved) {
      moved = false;
      for (const QRectF& other : taken) {
        if (box.intersects(other.adjusted(-1, -1, 1, 1))) {
          box.moveTop(other.bottom() + (upright ? gap : 1));
          moved = true;
        }
      }
    }
    if (box.bottom() > plot.bottom() - gap) continue;
    taken.push_back(box);
    const bool split = p.marker->kind == MarkerKind::Split;
    painter->save();
    QRectF local = box;
    if (upright) {
      painter->translate(box.left(), box.bottom());
      painter->rotate(-90);
      local = QRectF(0, 0, box.height(), box.width());
    }
    painter->fillRect(local, QColor(255, 255, 255, 190));
    painter->setPen(split ? ChartStyle::split_marker() : ChartStyle::switch_marker());
    painter->drawText(local, Qt::AlignCenter, text);
    painter->restore();
  }
}

void TimeSeriesChart::navigate_to(double min, double max) {
  if (!(max > min) || max - min < 1e-9) return;
  set_x_range(min, max);
  refresh();
  Q_EMIT x_range_navigated(min, max);
}

}  // namespace moelab::ui
