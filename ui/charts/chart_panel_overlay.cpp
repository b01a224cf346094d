// ChartPanel's overlays: other runs' curves drawn under this run's, each in the run's colour, so
// that two runs (the seed's before and after, two settings) can be read on one chart.
#include <QStringList>
#include <algorithm>

#include "charts/chart_panel.h"
#include "charts/chart_style.h"
#include "charts/metric_lines.h"
#include "charts/time_series_chart.h"

namespace moelab::ui {

namespace {

QString overlay_line_key(const QString& run_key, const char* curve_key) {
  return QStringLiteral("overlay:%1:%2").arg(run_key, QString::fromLatin1(curve_key));
}

}  // namespace

void ChartPanel::set_overlay_run(const QString& key, const QString& name, const QColor& color,
                                 const std::vector<moelab::EpochMetrics>& epochs) {
  remove_overlay_run(key);
  overlays_.push_back({key, name, color, epochs});
  draw_overlay_run(overlays_.back());
  schedule_redraw();
}

void ChartPanel::remove_overlay_run(const QString& key) {
  const auto found = std::find_if(overlays_.begin(), overlays_.end(),
                                  [&](const OverlayRun& run) { return run.key == key; });
  if (found == overlays_.end()) return;
  overlays_.erase(found);
  for (const MetricLines::EpochCurve& curve : lines_->epoch_curves()) {
    curve.chart->remove_line(curve.chart->find_line(overlay_line_key(key, curve.key)));
  }
  schedule_redraw();
}

QStringList ChartPanel::overlay_runs() const {
  QStringList keys;
  for (const OverlayRun& run : overlays_) keys << run.key;
  return keys;
}

void ChartPanel::draw_overlay_runs() {
  for (const OverlayRun& run : overlays_) draw_overlay_run(run);
}

void ChartPanel::draw_overlay_run(const OverlayRun& run) {
  for (const MetricLines::EpochCurve& curve : lines_->epoch_curves()) {
    // Thinner than this run's lines and without its dots: the run on top stays the one read.
    TimeSeriesChart::LineStyle style{run.color, false, false, Qt::SolidLine,
                                     std::max<qreal>(1.0, ChartStyle::line_width() * 0.6)};
    style.right_axis = curve.chart->line_on_right_axis(curve.own_line);
    style.behind = true;
    const int line = curve.chart->add_line(overlay_line_key(run.key, curve.key),
                                           tr("%1: %2").arg(run.name, curve.name), style);
    for (const auto& m : run.epochs) {
      XStamp at;
      at.step = static_cast<double>(m.step);
      at.wall = m.wall_seconds;
      at.epoch = m.epoch;
      at.epoch_end = true;
      curve.chart->append(line, at, curve.value(m));
    }
  }
}

}  // namespace moelab::ui
