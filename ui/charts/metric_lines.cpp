#include "charts/metric_lines.h"

#include <QColor>
#include <algorithm>
#include <cmath>
#include <iterator>

#include "charts/chart_style.h"
#include "charts/expert_palette.h"
#include "charts/time_series_chart.h"
#include "training/loss_term_catalog.h"
#include "training/switch_events.h"

namespace moelab::ui {

namespace {

// Metric colours, kept apart from the expert palette's hues where they share a chart.
const QColor kBlue(0x25, 0x63, 0xeb);
const QColor kGreen(0x05, 0x96, 0x69);
const QColor kOrange(0xea, 0x58, 0x0c);
const QColor kPurple(0x7c, 0x3a, 0xed);
const QColor kSky(0x7d, 0xb4, 0xf5);
const QColor kTeal(0x0d, 0x94, 0x88);
const QColor kRose(0xe1, 0x1d, 0x48);
// The loss terms' colours, in the catalog's order (then round again).
const QColor kTermColors[] = {kBlue, kOrange, kPurple, kGreen, kTeal, kRose};
const QString kTaskNormKey = QStringLiteral("all_rows");
const QString kDormantKey = QStringLiteral("dormant");

using Style = TimeSeriesChart::LineStyle;

QString expert_key(int expert) { return QString::fromStdString(moelab::expert_name(expert)); }

QString percent(double share) { return QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1); }

QString dormant_label(double threshold) {
  return MetricLines::tr("dormant < %1%").arg(threshold * 100.0, 0, 'g', 3);
}

// The hover read-out of a split: what it did to the validation set.
QString split_detail(const moelab::SplitEvent& s) {
  return MetricLines::tr("%1: validation accuracy %2 -> %3; %4 of the predictions changed")
      .arg(QString::fromStdString(moelab::describe_split_event(s)), percent(s.val_accuracy_before),
           percent(s.val_accuracy_after), percent(s.changed_predictions));
}

}  // namespace

MetricLines::MetricLines(const Charts& charts) : charts_(charts) {
  add_accuracy_lines();
  add_loss_lines();
  add_balance_lines();
  charts_.utilization->set_y_range(TimeSeriesChart::YRange::AutoFromZero);
  charts_.utilization->set_legend_auto_placement(true);  // 2 to 12+ experts
  charts_.task_gradient->set_y_range(TimeSeriesChart::YRange::AutoFromZero);
  charts_.task_gradient->set_legend_auto_placement(true);
}

QList<TimeSeriesChart*> MetricLines::charts() const {
  return {charts_.accuracy, charts_.utilization, charts_.task_gradient, charts_.loss,
          charts_.entropy};
}

void MetricLines::add_accuracy_lines() {
  const qreal width = ChartStyle::line_width();
  TimeSeriesChart* chart = charts_.accuracy;
  train_step_line_ = chart->add_line(QStringLiteral("train_step"), tr("train (steps)"),
                                     Style{kSky, true, false, Qt::SolidLine, 1.5});
  train_epoch_line_ = chart->add_line(QStringLiteral("train"), tr("train"),
                                      Style{kBlue, false, true, Qt::SolidLine, width});
  val_line_ = chart->add_line(QStringLiteral("validation"), tr("validation"),
                              Style{kGreen, false, true, Qt::SolidLine, width + 0.5});
  chart->set_y_range(TimeSeriesChart::YRange::Auto);
}

void MetricLines::add_loss_lines() {
  const qreal width = ChartStyle::line_width();
  TimeSeriesChart* chart = charts_.loss;
  loss_total_line_ = chart->add_line(QStringLiteral("total"), tr("total"),
                                     Style{ChartStyle::ink(), true, false, Qt::SolidLine, width});
  // One line per term of the core's catalog, keyed by the term's name.
  const auto& catalog = moelab::loss_term_catalog();
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const QColor color = kTermColors[i % std::size(kTermColors)];
    loss_term_lines_.push_back(chart->add_line(QString::fromStdString(catalog[i].name),
                                               QString::fromStdString(catalog[i].label),
                                               Style{color, true, false, Qt::SolidLine, width}));
  }
  chart->set_y_range(TimeSeriesChart::YRange::Auto);
}

void MetricLines::add_balance_lines() {
  const qreal width = ChartStyle::line_width();
  TimeSeriesChart* chart = charts_.entropy;
  usage_entropy_line_ = chart->add_line(QStringLiteral("usage_entropy"), tr("slot-share entropy"),
                                        Style{kBlue, true, false, Qt::SolidLine, width});
  sample_entropy_line_ = chart->add_line(QStringLiteral("sample_entropy"), tr("sample entropy"),
                                         Style{kOrange, true, false, Qt::SolidLine, width});
  // Normalised entropies live in [0, 1]; a fixed axis makes collapse (a fall to 0) unmistakable.
  chart->set_y_range(TimeSeriesChart::YRange::Fixed, 0.0, 1.05);
  // Normalised entropy does not compare across expert counts; exp(entropy) does: the number of
  // experts the routing really uses. With the load violation (max / mean utilisation - 1) it
  // goes on a right axis counted from zero.
  chart->set_right_axis(tr("experts / violation"), TimeSeriesChart::YRange::AutoFromZero);
  Style effective{kGreen, false, true, Qt::SolidLine, width};
  effective.right_axis = true;
  effective_experts_line_ =
      chart->add_line(QStringLiteral("effective_experts"), tr("effective experts"), effective);
  Style violation{kRose, false, true, Qt::DashLine, width};
  violation.right_axis = true;
  load_violation_line_ =
      chart->add_line(QStringLiteral("load_violation"), tr("load violation"), violation);
}

void MetricLines::add_task_norm_line() {
  // The whole router's gradient: every row's part, and the ceiling of each expert's line.
  charts_.task_gradient->add_line(
      kTaskNormKey, tr("all rows"),
      Style{ChartStyle::ink(), false, false, Qt::DashLine, ChartStyle::line_width()});
}

void MetricLines::reset(double dormant_threshold) {
  for (TimeSeriesChart* chart : charts()) chart->clear();
  charts_.utilization->remove_lines();
  charts_.task_gradient->remove_lines();
  add_task_norm_line();
  set_dormant_threshold(dormant_threshold);
}

void MetricLines::set_dormant_threshold(double threshold) {
  charts_.utilization->set_reference_line(kDormantKey, threshold, dormant_label(threshold));
}

void MetricLines::set_seed_accuracy(double accuracy) {
  charts_.accuracy->set_reference_line(QStringLiteral("seed"), accuracy,
                                       tr("seed %1").arg(accuracy, 0, 'f', 3));
}

void MetricLines::follow_theme() {
  charts_.loss->set_line_color(loss_total_line_, ChartStyle::ink());
  charts_.task_gradient->set_line_color(charts_.task_gradient->find_line(kTaskNormKey),
                                        ChartStyle::ink());
}

void MetricLines::add_step(const moelab::StepMetrics& m, const XStamp& at) {
  charts_.entropy->append(usage_entropy_line_, at, m.usage_entropy);
  charts_.entropy->append(sample_entropy_line_, at, m.sample_entropy);
  charts_.loss->append(loss_total_line_, at, m.loss_total);
  const std::size_t terms = std::min(m.loss_terms.size(), loss_term_lines_.size());
  for (std::size_t i = 0; i < terms; ++i) {
    charts_.loss->append(loss_term_lines_[i], at, m.loss_terms[i]);
  }
  charts_.accuracy->append(train_step_line_, at, m.train_accuracy);
}

void MetricLines::add_epoch(const moelab::EpochMetrics& m, const XStamp& at) {
  charts_.accuracy->append(train_epoch_line_, at, m.train_accuracy);
  charts_.accuracy->append(val_line_, at, m.val_accuracy);
  charts_.entropy->append(effective_experts_line_, at, m.effective_experts);
  charts_.entropy->append(load_violation_line_, at, m.load_violation);
  for (std::size_t e = 0; e < m.utilization.size(); ++e) {
    const int line = ensure_expert_line(charts_.utilization, static_cast<int>(e));
    charts_.utilization->append(line, at, m.utilization[e]);
  }
  TimeSeriesChart* gradient = charts_.task_gradient;
  for (std::size_t e = 0; e < m.router_task_grad.size(); ++e) {
    gradient->append(ensure_expert_line(gradient, static_cast<int>(e)), at, m.router_task_grad[e]);
  }
  gradient->append(gradient->find_line(kTaskNormKey), at, m.router_task_grad_norm);
  mark_dormant(m);
}

void MetricLines::mark_dormant(const moelab::EpochMetrics& m) {
  for (TimeSeriesChart* chart : {charts_.utilization, charts_.task_gradient}) {
    // Every expert with a line (its index is below the chart's line count: e0, e1, ... in order).
    for (int expert = 0; expert < chart->line_count(); ++expert) {
      const int line = chart->find_line(expert_key(expert));
      if (line < 0) continue;
      const bool dormant = std::find(m.dormant.begin(), m.dormant.end(), expert) != m.dormant.end();
      chart->set_line_dormant(line, dormant);
      if (dormant) chart->mark_last_point_dormant(line);
      chart->set_line_name(
          line, dormant ? tr("%1 (dormant)").arg(expert_key(expert)) : expert_key(expert));
    }
  }
}

void MetricLines::add_split(const moelab::SplitEvent& split, const XStamp& at) {
  // The child is drawn branching off its parent's curve at the split; its own first measurement
  // arrives with the next epoch.
  TimeSeriesChart* utilization = charts_.utilization;
  const int parent = utilization->find_line(expert_key(split.parent));
  const double start = parent >= 0 ? utilization->last_value(parent) : 0.0;
  const int child = ensure_expert_line(utilization, split.child);
  if (utilization->point_count(child) == 0) {
    utilization->append(child, at, std::isnan(start) ? 0.0 : start);
  }
  const QString label = QString::fromStdString(moelab::describe_split_event(split));
  for (TimeSeriesChart* chart : charts()) {
    chart->add_marker(at, label, TimeSeriesChart::MarkerKind::Split, split_detail(split));
  }
}

void MetricLines::add_switch(const moelab::SwitchEvent& change, const XStamp& at) {
  const QString label = QString::fromStdString(moelab::describe_switch_event(change));
  for (TimeSeriesChart* chart : charts()) {
    chart->add_marker(at, label, TimeSeriesChart::MarkerKind::Switch);
  }
}

int MetricLines::ensure_expert_line(TimeSeriesChart* chart, int expert) {
  const QString key = expert_key(expert);
  const int existing = chart->find_line(key);
  if (existing >= 0) return existing;
  Style style;
  style.color = ExpertPalette::color(expert);
  style.smoothable = false;
  style.show_points = true;
  style.width = ChartStyle::line_width();
  return chart->add_line(key, key, style);
}

std::vector<MetricLines::EpochCurve> MetricLines::epoch_curves() const {
  return {
      {charts_.accuracy, val_line_, "validation", tr("validation"),
       [](const moelab::EpochMetrics& m) { return m.val_accuracy; }},
      {charts_.loss, loss_total_line_, "total", tr("total"),
       [](const moelab::EpochMetrics& m) { return m.loss_total; }},
      {charts_.entropy, effective_experts_line_, "effective_experts", tr("effective experts"),
       [](const moelab::EpochMetrics& m) { return m.effective_experts; }},
  };
}

}  // namespace moelab::ui
