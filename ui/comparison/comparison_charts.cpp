#include "comparison/comparison_charts.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "comparison/comparison_chart_view.h"

namespace moelab::ui {

namespace {

std::array<double, ComparisonCharts::MetricCount> values_of(const EpochMetrics& m) {
  return {m.val_accuracy * 100.0,
          static_cast<double>(m.experts),
          static_cast<double>(m.dormant.size()),
          m.usage_entropy,
          m.effective_experts,
          m.load_violation,
          m.expert_similarity};
}

void attach(QChart* chart, QAbstractSeries* series) {
  chart->addSeries(series);
  for (QAbstractAxis* axis : chart->axes()) series->attachAxis(axis);
}

// The y range of a metric's charts: every arm's min-max with some room, counts from zero.
std::pair<double, double> y_limits(ComparisonCharts::Metric metric,
                                   const std::vector<ArmBand>& arms) {
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  for (const ArmBand& arm : arms) {
    for (const BandPoint& p : arm.points) {
      lo = std::min(lo, p.min);
      hi = std::max(hi, p.max);
    }
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  if (metric == ComparisonCharts::Experts || metric == ComparisonCharts::Dormant) {
    return {0.0, std::max(1.0, std::ceil(hi + 0.5))};
  }
  const double pad = std::max(0.02 * (hi - lo), metric == ComparisonCharts::Accuracy ? 0.5 : 0.01);
  lo -= pad;
  hi += pad;
  if (metric == ComparisonCharts::Entropy) hi = std::min(hi, 1.02);
  if (metric == ComparisonCharts::Accuracy) hi = std::min(hi, 100.5);
  // Counts of experts and a ratio that starts even: from zero.
  if (metric == ComparisonCharts::EffectiveExperts || metric == ComparisonCharts::LoadViolation) {
    lo = 0;
  }
  return {lo, hi};
}

// Where growth starts: a dashed line between the seed phase's last epoch and the next.
void add_seed_mark(QChart* chart, int seed_epochs, double lo, double hi) {
  auto* mark = new QLineSeries;
  const double at = seed_epochs + 0.5;
  mark->append(at, lo);
  mark->append(at, hi);
  mark->setPen(QPen(ChartStyle::reference_line(), 1.0, Qt::DashLine));
  attach(chart, mark);
}

// An arm's min-max shading with its mean line over it.
void add_band(QChart* chart, const ArmBand& arm, double shade_alpha) {
  QList<QPointF> mean, upper_points, lower_points;
  for (const BandPoint& p : arm.points) {
    mean.append({double(p.epoch), p.mean});
    upper_points.append({double(p.epoch), p.max});
    lower_points.append({double(p.epoch), p.min});
  }
  auto* upper = new QLineSeries(chart);
  auto* lower = new QLineSeries(chart);
  upper->replace(upper_points);
  lower->replace(lower_points);
  auto* area = new QAreaSeries(upper, lower);
  QColor shade = arm.color;
  shade.setAlphaF(shade_alpha);
  area->setBrush(shade);
  area->setPen(Qt::NoPen);
  attach(chart, area);
  auto* line = new QLineSeries;
  line->setName(arm.name);
  line->replace(mean);
  line->setPen(QPen(arm.color, ChartStyle::line_width()));
  attach(chart, line);
}

void add_splits(QChart* chart, const QColor& color, const QList<QPointF>& marks) {
  if (marks.isEmpty()) return;
  auto* scatter = new QScatterSeries;
  scatter->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
  scatter->setMarkerSize(9);
  scatter->setColor(color);
  scatter->setBorderColor(Qt::white);
  scatter->replace(marks);
  attach(chart, scatter);
}

// Round ticks: whole counts on round numbers, no "1.01" on a 0..1 axis.
void set_y_range(QValueAxis* y, double lo, double hi, bool counts) {
  y->setRange(lo, hi);
  const double step = axis_ticks::nice_interval(hi - lo, 5, counts);
  y->setTickType(QValueAxis::TicksDynamic);
  y->setTickAnchor(0);
  y->setTickInterval(step);
  y->setLabelFormat(QStringLiteral("%.%1f").arg(axis_ticks::decimals_for(step)));
}

}  // namespace

ComparisonCharts::ComparisonCharts(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  legend_ = new QLabel;
  legend_->setWordWrap(true);
  legend_->setTextFormat(Qt::RichText);
  layout->addWidget(legend_);
  grid_ = new QGridLayout;
  grid_->setSpacing(6);
  layout->addLayout(grid_, 1);
  timer_.setSingleShot(true);
  timer_.setInterval(kRedrawIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &ComparisonCharts::flush);
  rebuild();
}

QString ComparisonCharts::metric_title(Metric metric) {
  switch (metric) {
    case Accuracy:
      return tr("Validation accuracy (%)");
    case Experts:
      return tr("Experts");
    case Dormant:
      return tr("Dormant experts");
    case Entropy:
      return tr("Router entropy");
    case EffectiveExperts:
      return tr("Effective experts");
    case LoadViolation:
      return tr("Load violation (max / mean - 1)");
    case Similarity:
      return tr("Expert similarity (mean cosine)");
    default:
      return {};
  }
}

void ComparisonCharts::reset(const QStringList& arm_names, const std::vector<QColor>& colors,
                             int seed_epochs) {
  names_ = arm_names;
  colors_ = colors;
  seed_epochs_ = seed_epochs;
  traces_.clear();
  QString html;
  for (int a = 0; a < names_.size(); ++a) {
    html += QStringLiteral(
                "<span style='color:%1; font-size:16px'>&#9632;</span>&nbsp;%2"
                "&nbsp;&nbsp;&nbsp; ")
                .arg(colors_[static_cast<std::size_t>(a)].name(), names_[a].toHtmlEscaped());
  }
  if (!names_.isEmpty()) {
    html +=
        tr("<span style='color:#4b5563'>(line: mean over seeds, shading: min–max, "
           "&#9650;: a split; wheel: zoom, drag: pan, double-click: whole run, right-click: "
           "export)</span>");
  }
  legend_->setText(html);
  x_range_.reset();
  structure_dirty_ = true;
  schedule();
}

void ComparisonCharts::add_epoch(int arm, quint64 seed, const EpochMetrics& m) {
  traces_[{arm, seed}].epochs.emplace_back(m.epoch, values_of(m));
  schedule();
}

void ComparisonCharts::add_split(int arm, quint64 seed, const SplitEvent& split) {
  traces_[{arm, seed}].split_epochs.push_back(split.epoch);
  schedule();
}

void ComparisonCharts::set_layout(Layout layout) {
  if (layout == layout_) return;
  layout_ = layout;
  structure_dirty_ = true;
  flush();
}

void ComparisonCharts::set_metric(Metric metric) {
  if (metric == metric_) return;
  metric_ = metric;
  structure_dirty_ = true;
  flush();
}

void ComparisonCharts::schedule() {
  if (!timer_.isActive()) timer_.start();
}

double ComparisonCharts::value_at(const Trace& trace, int epoch, Metric metric, bool* found) const {
  for (const auto& [e, v] : trace.epochs) {
    if (e == epoch) {
      *found = true;
      return v[static_cast<std::size_t>(metric)];
    }
  }
  *found = false;
  return 0;
}

std::vector<ComparisonCharts::BandPoint> ComparisonCharts::band(int arm, Metric metric) const {
  std::map<int, std::vector<double>> by_epoch;
  for (const auto& [key, trace] : traces_) {
    if (key.first != arm) continue;
    for (const auto& [e, v] : trace.epochs)
      by_epoch[e].push_back(v[static_cast<std::size_t>(metric)]);
  }
  std::vector<BandPoint> out;
  for (const auto& [e, values] : by_epoch) {
    BandPoint p;
    p.epoch = e;
    p.min = *std::min_element(values.begin(), values.end());
    p.max = *std::max_element(values.begin(), values.end());
    for (double v : values) p.mean += v;
    p.mean /= static_cast<double>(values.size());
    p.seeds = static_cast<int>(values.size());
    out.push_back(p);
  }
  return out;
}

void ComparisonCharts::rebuild() {
  for (auto* view : views_) {
    grid_->removeWidget(view);
    delete view;
  }
  views_.clear();
  int rows = 2;
  int columns = 2;
  if (layout_ == Layout::Overlay || names_.isEmpty()) {
    // Three columns of charts, in the order of Metric.
    constexpr int kColumns = 3;
    for (int m = 0; m < MetricCount; ++m) {
      auto* view = make_view(metric_title(static_cast<Metric>(m)));
      grid_->addWidget(view, m / kColumns, m % kColumns);
      views_.push_back(view);
    }
    rows = (MetricCount + kColumns - 1) / kColumns;
    columns = kColumns;
  } else {
    const int n = static_cast<int>(names_.size());
    columns = n <= 2 ? n : (n <= 4 ? 2 : (n <= 6 ? 3 : 4));
    rows = (n + columns - 1) / columns;
    for (int a = 0; a < n; ++a) {
      auto* view = make_view(names_[a]);
      view->chart()->setTitleBrush(colors_[static_cast<std::size_t>(a)].darker(120));
      grid_->addWidget(view, a / columns, a % columns);
      views_.push_back(view);
    }
  }
  // QGridLayout never forgets a row or column once used: stretch only those in use now, so a
  // switch back from small multiples does not leave empty cells taking space.
  for (int i = 0; i < std::max(grid_->columnCount(), grid_->rowCount()); ++i) {
    grid_->setColumnStretch(i, i < columns ? 1 : 0);
    grid_->setRowStretch(i, i < rows ? 1 : 0);
  }
  structure_dirty_ = false;
}

void ComparisonCharts::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) {
    for (auto* view : views_) ChartStyle::apply_colors(view->chart());
  }
  QWidget::changeEvent(event);
}

ComparisonChartView* ComparisonCharts::make_view(const QString& title) {
  auto* chart = new QChart;
  ChartStyle::apply(chart);
  chart->setTitle(title);
  chart->legend()->setVisible(false);
  auto* x = new QValueAxis;
  auto* y = new QValueAxis;
  ChartStyle::apply(x, tr("epoch"));
  ChartStyle::apply(y, QString());
  // Ticks: round intervals for the range shown, set by fill() (y) and the view (x).
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  auto* view = new ComparisonChartView(chart);
  connect(view, &ComparisonChartView::x_range_navigated, this,
          [this, view] { follow_x_range(view); });
  connect(view, &ComparisonChartView::reset_zoom_requested, this, &ComparisonCharts::reset_x_range);
  return view;
}

void ComparisonCharts::follow_x_range(const ComparisonChartView* source) {
  if (source->zoomed()) {
    x_range_ = std::make_pair(source->x_min(), source->x_max());
  } else {
    x_range_.reset();  // zoomed all the way out: new epochs widen the range again
  }
  for (auto* view : views_) {
    if (view != source) view->set_x_range(source->x_min(), source->x_max());
  }
}

void ComparisonCharts::reset_x_range() {
  x_range_.reset();
  for (auto* view : views_) view->reset_zoom();
}

std::vector<ArmBand> ComparisonCharts::bands(Metric metric) const {
  std::vector<ArmBand> out;
  for (int a = 0; a < names_.size(); ++a) {
    out.push_back({names_[a], colors_[static_cast<std::size_t>(a)], band(a, metric)});
  }
  return out;
}

QList<QPointF> ComparisonCharts::split_marks(int arm, Metric metric) const {
  // One marker per seed's split, on that seed's own curve.
  QList<QPointF> marks;
  for (const auto& [key, trace] : traces_) {
    if (key.first != arm) continue;
    for (int e : trace.split_epochs) {
      bool found = false;
      const double v = value_at(trace, e, metric, &found);
      if (found) marks.append({double(e), v});
    }
  }
  return marks;
}

void ComparisonCharts::fill(ComparisonChartView* view, Metric metric, int only_arm) {
  QChart* chart = view->chart();
  chart->removeAllSeries();
  auto* y = qobject_cast<QValueAxis*>(chart->axes(Qt::Vertical).value(0));
  if (!y || chart->axes(Qt::Horizontal).isEmpty()) return;
  // Shared ranges over every arm, so that small multiples compare at a glance.
  std::vector<ArmBand> all = bands(metric);
  int last_epoch = 1;
  for (const ArmBand& arm : all) {
    if (!arm.points.empty()) last_epoch = std::max(last_epoch, arm.points.back().epoch);
  }
  const auto [lo, hi] = y_limits(metric, all);
  if (seed_epochs_ > 0 && seed_epochs_ < last_epoch) add_seed_mark(chart, seed_epochs_, lo, hi);
  std::vector<ArmBand> shown;
  for (int a = 0; a < static_cast<int>(all.size()); ++a) {
    if (only_arm >= 0 && a != only_arm) continue;
    ArmBand& arm = all[static_cast<std::size_t>(a)];
    if (!arm.points.empty()) {
      add_band(chart, arm, only_arm >= 0 ? 0.28 : 0.16);
      add_splits(chart, arm.color, split_marks(a, metric));
    }
    shown.push_back(std::move(arm));
  }
  set_y_range(y, lo, hi, metric == Experts || metric == Dormant);
  // The view sets the x axis: the whole run, or the range the user zoomed to on any chart.
  view->set_bands(std::move(shown), 1, std::max(2, last_epoch));
  if (x_range_) view->set_x_range(x_range_->first, x_range_->second);
}

void ComparisonCharts::flush() {
  timer_.stop();
  if (structure_dirty_) rebuild();
  if (layout_ == Layout::Overlay || names_.isEmpty()) {
    for (int m = 0; m < static_cast<int>(views_.size()); ++m) {
      fill(views_[static_cast<std::size_t>(m)], static_cast<Metric>(m), -1);
    }
  } else {
    for (int a = 0; a < static_cast<int>(views_.size()); ++a) {
      auto* view = views_[static_cast<std::size_t>(a)];
      fill(view, metric_, a);
      view->chart()->setTitle(QStringLiteral("%1 — %2").arg(names_[a], metric_title(metric_)));
    }
  }
}

}  // namespace moelab::ui
