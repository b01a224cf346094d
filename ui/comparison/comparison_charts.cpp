#include "comparison/comparison_charts.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"

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
           "&#9650;: a split)</span>");
  }
  legend_->setText(html);
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
      auto* view = new QChartView(make_chart(metric_title(static_cast<Metric>(m))));
      view->setRenderHint(QPainter::Antialiasing);
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
      auto* view = new QChartView(make_chart(names_[a]));
      view->chart()->setTitleBrush(colors_[static_cast<std::size_t>(a)].darker(120));
      view->setRenderHint(QPainter::Antialiasing);
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

QChart* ComparisonCharts::make_chart(const QString& title) {
  auto* chart = new QChart;
  ChartStyle::apply(chart);
  chart->setTitle(title);
  chart->legend()->setVisible(false);
  auto* x = new QValueAxis;
  auto* y = new QValueAxis;
  ChartStyle::apply(x, tr("epoch"));
  ChartStyle::apply(y, QString());
  // Ticks: each fill() sets round intervals for the range it shows.
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  return chart;
}

void ComparisonCharts::fill(QChart* chart, Metric metric, int only_arm) {
  chart->removeAllSeries();
  auto* x = qobject_cast<QValueAxis*>(chart->axes(Qt::Horizontal).value(0));
  auto* y = qobject_cast<QValueAxis*>(chart->axes(Qt::Vertical).value(0));
  if (!x || !y) return;
  // Shared ranges over every arm, so that small multiples compare at a glance.
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  int last_epoch = 1;
  for (int a = 0; a < names_.size(); ++a) {
    for (const auto& p : band(a, metric)) {
      lo = std::min(lo, p.min);
      hi = std::max(hi, p.max);
      last_epoch = std::max(last_epoch, p.epoch);
    }
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  const bool counts = metric == Experts || metric == Dormant;
  if (counts) {
    lo = 0;
    hi = std::max(1.0, std::ceil(hi + 0.5));
  } else {
    const double pad = std::max(0.02 * (hi - lo), metric == Accuracy ? 0.5 : 0.01);
    lo -= pad;
    hi += pad;
    if (metric == Entropy) hi = std::min(hi, 1.02);
    if (metric == Accuracy) hi = std::min(hi, 100.5);
    // Counts of experts and a ratio that starts even: from zero.
    if (metric == EffectiveExperts || metric == LoadViolation) lo = 0;
  }

  auto attach = [&](QAbstractSeries* s) {
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
  };
  if (seed_epochs_ > 0 && seed_epochs_ < last_epoch) {
    auto* mark = new QLineSeries;
    const double at = seed_epochs_ + 0.5;
    mark->append(at, lo);
    mark->append(at, hi);
    QPen pen(ChartStyle::reference_line(), 1.0, Qt::DashLine);
    mark->setPen(pen);
    attach(mark);
  }
  for (int a = 0; a < names_.size(); ++a) {
    if (only_arm >= 0 && a != only_arm) continue;
    const QColor color = colors_[static_cast<std::size_t>(a)];
    const auto points = band(a, metric);
    if (points.empty()) continue;
    QList<QPointF> mean, upper_points, lower_points;
    for (const auto& p : points) {
      mean.append({double(p.epoch), p.mean});
      upper_points.append({double(p.epoch), p.max});
      lower_points.append({double(p.epoch), p.min});
    }
    auto* upper = new QLineSeries(chart);
    auto* lower = new QLineSeries(chart);
    upper->replace(upper_points);
    lower->replace(lower_points);
    auto* area = new QAreaSeries(upper, lower);
    QColor fill = color;
    fill.setAlphaF(only_arm >= 0 ? 0.28 : 0.16);
    area->setBrush(fill);
    area->setPen(Qt::NoPen);
    attach(area);
    auto* line = new QLineSeries;
    line->setName(names_[a]);
    line->replace(mean);
    line->setPen(QPen(color, ChartStyle::line_width()));
    attach(line);
    // Splits: one marker per seed's split, on that seed's own curve.
    QList<QPointF> marks;
    for (const auto& [key, trace] : traces_) {
      if (key.first != a) continue;
      for (int e : trace.split_epochs) {
        bool found = false;
        const double v = value_at(trace, e, metric, &found);
        if (found) marks.append({double(e), v});
      }
    }
    if (!marks.isEmpty()) {
      auto* scatter = new QScatterSeries;
      scatter->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
      scatter->setMarkerSize(9);
      scatter->setColor(color);
      scatter->setBorderColor(Qt::white);
      scatter->replace(marks);
      attach(scatter);
    }
  }
  x->setRange(1, std::max(2, last_epoch));
  y->setRange(lo, hi);
  // Round ticks: whole epochs (and whole counts) on round numbers, no "1.01" on a 0..1 axis.
  const double x_step = axis_ticks::nice_interval(std::max(1, last_epoch - 1), 6, true);
  x->setTickType(QValueAxis::TicksDynamic);
  x->setTickAnchor(0);
  x->setTickInterval(x_step);
  x->setLabelFormat(QStringLiteral("%.0f"));
  const double y_step = axis_ticks::nice_interval(hi - lo, 5, counts);
  y->setTickType(QValueAxis::TicksDynamic);
  y->setTickAnchor(0);
  y->setTickInterval(y_step);
  y->setLabelFormat(QStringLiteral("%.%1f").arg(axis_ticks::decimals_for(y_step)));
}

void ComparisonCharts::flush() {
  timer_.stop();
  if (structure_dirty_) rebuild();
  if (layout_ == Layout::Overlay || names_.isEmpty()) {
    for (int m = 0; m < static_cast<int>(views_.size()); ++m) {
      fill(views_[static_cast<std::size_t>(m)]->chart(), static_cast<Metric>(m), -1);
    }
  } else {
    for (int a = 0; a < static_cast<int>(views_.size()); ++a) {
      auto* chart = views_[static_cast<std::size_t>(a)]->chart();
      fill(chart, metric_, a);
      chart->setTitle(QStringLiteral("%1 — %2").arg(names_[a], metric_title(metric_)));
    }
  }
}

}  // namespace moelab::ui
