// ChartPanel's part in forks: the parent run drawn faint behind the fork, and "Fork from here".
#include "charts/chart_panel.h"

#include "charts/chart_style.h"
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
  struct ParentLine {
    TimeSeriesChart* chart;
    int own_line;
    const char* key;
    QString name;
    double (*value)(const moelab::EpochMetrics&);
  };
  const ParentLine lines[] = {
      {accuracy_, val_line_, "parent_validation", tr("parent: validation"),
       [](const moelab::EpochMetrics& m) { return m.val_accuracy; }},
      {loss_, loss_total_line_, "parent_total", tr("parent: total"),
       [](const moelab::EpochMetrics& m) { return m.loss_total; }},
      {entropy_, effective_experts_line_, "parent_effective_experts",
       tr("parent: effective experts"),
       [](const moelab::EpochMetrics& m) { return m.effective_experts; }},
  };
  for (const auto& l : lines) {
    const int line = l.chart->add_line(QString::fromLatin1(l.key), l.name,
                                       parent_style(l.chart->line_color(l.own_line),
                                                    l.chart->line_on_right_axis(l.own_line)));
    for (const auto& m : parent_epochs_) {
      XStamp at;
      at.step = static_cast<double>(m.step);
      at.wall = m.wall_seconds;
      at.epoch = m.epoch;
      l.chart->append(line, at, l.value(m));
    }
  }
}

void ChartPanel::set_forkable(bool forkable) {
  for (TimeSeriesChart* chart : time_charts()) chart->set_forkable(forkable);
}

}  // namespace moelab::ui
