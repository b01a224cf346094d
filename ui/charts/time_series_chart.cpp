#include "charts/time_series_chart.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "charts/sorted_points.h"

namespace moelab::ui {

namespace {

constexpr double kFollowHeadroom = 0.1;

}  // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& y_title,
                                 std::shared_ptr<const XClock> clock, QWidget* parent)
    : QChartView(new QChart(), parent),
      clock_(clock ? std::move(clock) : std::make_shared<const XClock>()),
      title_(title) {
  setRenderHint(QPainter::Antialiasing, true);
  setRubberBand(QChartView::NoRubberBand);
  setMouseTracking(true);
  viewport()->setMouseTracking(true);
  setFrameShape(QFrame::NoFrame);
  setMinimumSize(kMinimumWidth, kMinimumHeight);

  QChart* c = chart();
  ChartStyle::apply(c);
  update_top_margin();
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
  line.series->attachAxis(style.right_axis && right_axis_ ? right_axis_ : y_axis_);
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
  line.dormant_points.push_back(0);
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

void TimeSeriesChart::set_line_color(int index, const QColor& color) {
  if (index < 0 || index >= line_count()) return;
  Line& line = lines_[static_cast<std::size_t>(index)];
  if (line.style.color == color) return;
  line.style.color = color;
  apply_pen(line);
  dirty_ = true;
}

void TimeSeriesChart::set_line_dormant(int index, bool dormant) {
  if (index < 0 || index >= line_count()) return;
  Line& line = lines_[static_cast<std::size_t>(index)];
  line.dormant = dormant;
}

void TimeSeriesChart::mark_last_point_dormant(int index) {
  if (index < 0 || index >= line_count()) return;
  Line& line = lines_[static_cast<std::size_t>(index)];
  if (line.dormant_points.isEmpty()) return;
  line.dormant_points.back() = 1;
  line.any_dormant_point = true;
  dirty_ = true;
}

void TimeSeriesChart::add_marker(const XStamp& at, const QString& label, MarkerKind kind,
                                 const QString& detail) {
  markers_.push_back({at, label, kind, detail});
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
    line.dormant_points.clear();
    line.any_dormant_point = false;
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

void TimeSeriesChart::remove_line(int index) {
  if (index < 0 || index >= line_count()) return;
  const auto at = lines_.begin() + index;
  chart()->removeSeries(at->series);
  delete at->series;
  lines_.erase(at);
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

void TimeSeriesChart::set_follow_start(std::optional<XStamp> start) {
  const bool same =
      start.has_value() == follow_start_.has_value() &&
      (!start || (start->step == follow_start_->step && start->epoch == follow_start_->epoch));
  if (same) return;
  follow_start_ = start;
  follow_range_valid_ = false;
  dirty_ = true;
}

void TimeSeriesChart::set_y_range(YRange mode, double lo, double hi) {
  y_mode_ = mode;
  y_lo_ = lo;
  y_hi_ = hi;
  dirty_ = true;
}

void TimeSeriesChart::set_right_axis(const QString& title, YRange mode, double lo, double hi) {
  if (!right_axis_) {
    right_axis_ = new QValueAxis(this);
    ChartStyle::apply(right_axis_, title);
    right_axis_->setRange(0.0, 1.0);
    chart()->addAxis(right_axis_, Qt::AlignRight);
    // Lines added before the axis existed move over to it.
    for (Line& line : lines_) {
      if (!line.style.right_axis) continue;
      line.series->detachAxis(y_axis_);
      line.series->attachAxis(right_axis_);
    }
  }
  right_axis_->setTitleText(title);
  right_mode_ = mode;
  right_lo_ = lo;
  right_hi_ = hi;
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

// --- internals ---

bool TimeSeriesChart::smoothing_applies(const Line& line) const {
  return line.style.smoothable && smoothing_ > 0.0;
}

const QVector<QPointF>& TimeSeriesChart::drawn(const Line& line) const {
  return smoothing_applies(line) ? line.smooth : line.raw;
}

QPen TimeSeriesChart::pen_for(const Line& line) const {
  QPen pen(line.style.color, line.style.width);
  pen.setStyle(line.style.pen_style);
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
  if (follow_start_) lo = std::max(lo, clock_->x(*follow_start_, axis_));
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
  // Shared by every curve of an axis: its y range is taken from what is drawn.
  Extent left, right;
  auto visible = [&](const QVector<QPointF>& buffer, MinMaxDecimator& decimator,
                     std::uint64_t generation, Extent& extent) {
    // One point beyond each edge keeps the line running to the frame when zoomed in.
    const qsizetype first = std::max<qsizetype>(0, lower_index(buffer, view_min_) - 1);
    const qsizetype last = std::min<qsizetype>(buffer.size(), lower_index(buffer, view_max_) + 1);
    QList<QPointF> out =
        decimator.decimate(buffer, first, last, view_min_, view_max_, columns, generation);
    for (const QPointF& p : out) {
      if (p.x() < view_min_ || p.x() > view_max_) continue;
      extent.lo = std::min(extent.lo, p.y());
      extent.hi = std::max(extent.hi, p.y());
    }
    return out;
  };
  for (Line& line : lines_) {
    Extent& extent = axis_of(line) == right_axis_ ? right : left;
    line.shown = visible(drawn(line), line.bold_decimator, line.generation, extent);
    line.shown_faint = smoothing_applies(line)
                           ? visible(line.raw, line.faint_decimator, line.generation, extent)
                           : QList<QPointF>();
  }
  if (y_mode_ != YRange::Fixed) {
    for (const Reference& r : references_) {
      left.lo = std::min(left.lo, r.y);
      left.hi = std::max(left.hi, r.y);
    }
  }
  const auto [y_lo, y_hi] = y_range(y_mode_, y_lo_, y_hi_, left);
  const auto [r_lo, r_hi] = y_range(right_mode_, right_lo_, right_hi_, right);
  const QRectF plot = plot_rect();
  if (plot.width() >= 50 && plot.height() >= 20) {
    const double sx = plot.width() / (view_max_ - view_min_);
    for (Line& line : lines_) {
      const bool on_right = axis_of(line) == right_axis_;
      const double sy = plot.height() / (on_right ? r_hi - r_lo : y_hi - y_lo);
      drop_subpixel_steps(line.shown, sx, sy);
      drop_subpixel_steps(line.shown_faint, sx, sy);
    }
  }
  // The same number of x ticks on every chart wide enough, so charts stacked in a column of the
  // dashboard label the same steps even when a side legend makes one of them narrower.
  const int x_ticks = plot.width() >= 240 ? 5 : 3;
  const int y_ticks = std::max(3, static_cast<int>(plot.height()) / 45);
  set_axis_range(x_axis_, view_min_, view_max_, x_ticks, axis_ == XAxis::Step);
  set_axis_range(y_axis_, y_lo, y_hi, y_ticks, false);
  if (right_axis_) set_axis_range(right_axis_, r_lo, r_hi, y_ticks, false);
}

std::pair<double, double> TimeSeriesChart::y_range(YRange mode, double fixed_lo, double fixed_hi,
                                                   Extent extent) {
  if (mode == YRange::Fixed) return {fixed_lo, fixed_hi};
  double lo = extent.lo;
  double hi = extent.hi;
  if (!(hi >= lo)) {
    lo = 0.0;
    hi = 1.0;
  }
  if (mode == YRange::AutoFromZero) lo = std::min(lo, 0.0);
  double span = hi - lo;
  if (span < 1e-9) span = std::max(std::abs(hi) * 0.1, 0.1);
  return {mode == YRange::AutoFromZero && lo >= 0.0 ? 0.0 : lo - 0.06 * span, hi + 0.08 * span};
}

void TimeSeriesChart::set_axis_range(QValueAxis* axis, double min, double max, int ticks,
                                     bool integer_steps) {
  const double interval = axis_ticks::nice_interval(max - min, std::max(ticks, 2), integer_steps);
  // QValueAxis builds one item per tick on every change: with the old interval over the new
  // range (0..1 by 0.2 becoming 0..100000) that is half a million items. Changing the interval
  // and the range in the right order keeps every intermediate state at most as dense as the
  // old or the new one.
  const bool coarser = interval > axis->tickInterval();
  if (coarser) axis->setTickInterval(interval);
  axis->setRange(min, max);
  if (!coarser && axis->tickInterval() != interval) axis->setTickInterval(interval);
  const QString format = QStringLiteral("%.%1f").arg(axis_ticks::decimals_for(interval));
  if (axis->labelFormat() != format) axis->setLabelFormat(format);
}

QString TimeSeriesChart::x_title() const { return axis_ticks::title(axis_); }

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

}  // namespace moelab::ui
