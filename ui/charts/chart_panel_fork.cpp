// ChartPanel's part in forks: the parent run drawn faint behind the fork, and "Fork from here".
#include "charts/chart_panel.h"
#include "charts/chart_style.h"
#include "charts/metric_lines.h"
#include "charts/time_series_chart.h"

namespace moelab::ui {

namespace {

// The parent's curves: the fork's colours, faint and dashed, epoch by epoch.
TimeSeriesChart::LineStyle parent_style(QColor color, bool right_axis) {
  color.setAlpha(TimeSeriesChart::kFaintAlpha + 40);
  TimeSeriesChart::LineStyle style{color, false, false, Qt::DashLine, ChartStyle::line_width()};
  style.right_axis = right_axis;
  return style;
}

}  // namespace

void ChartPanel::set_parent_run(const std::vector<moelab::EpochMetrics>& epochs) {
  parent_epochs_ = epochs;
  draw_parent_run();
  schedule_redraw();
}

void ChartPanel::draw_parent_run() {
  if (parent_epochs_.empty()) return;
  for (const MetricLines::EpochCurve& curve : lines_->epoch_curves()) {
    const int line =
        curve.chart->add_line(QStringLiteral("parent_") + QString::fromLatin1(curve.key),
                              tr("parent: %1").arg(curve.name),
                              parent_style(curve.chart->line_color(curve.own_line),
                                           curve.chart->line_on_right_axis(curve.own_line)));
    for (const auto& m : parent_epochs_) {
      XStamp at;
      at.step = static_cast<double>(m.step);
      at.wall = m.wall_seconds;
      at.epoch = m.epoch;
      curve.chart->append(line, at, curve.value(m));
    }
  }
}

void ChartPanel::set_forkable(bool forkable) {
  for (TimeSeriesChart* chart : time_charts()) chart->set_forkable(forkable);
}

}  // namespace moelab::ui
