// The cost of one live-chart refresh at growing history lengths: decimate the visible range to
// the plot's pixel width, replace() every series, repaint. Prints Markdown tables.
//
//   QT_QPA_PLATFORM=offscreen ./chart_refresh_bench [refreshes]

#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "charts/chart_panel.h"
#include "charts/time_series_chart.h"

#include <QtCharts/QLineSeries>

using moelab::ui::ChartPanel;
using moelab::ui::TimeSeriesChart;
using moelab::ui::XStamp;

namespace {

struct Stats {
  double median_ms = 0;
  double p99_ms = 0;
};

Stats summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  s.median_ms = ms[ms.size() / 2];
  s.p99_ms = ms[std::min(ms.size() - 1, static_cast<std::size_t>(std::ceil(0.99 * ms.size())) - 1)];
  return s;
}

double noisy(std::int64_t i, int line) {
  const double t = static_cast<double>(i);
  return 2.0 * std::exp(-t * 1e-5) + 0.1 * std::sin(t * 0.37 + line) + 0.05 * std::sin(t * 3.1);
}

XStamp stamp(std::int64_t step) { return XStamp{static_cast<double>(step), 0.01 * step, 1}; }

// One TimeSeriesChart like the loss chart: four smoothed lines, so eight series with the faint
// raw copies.
void bench_chart(int points, int refreshes, QTextStream& out) {
  TimeSeriesChart chart("Loss terms", "loss");
  const QColor colors[] = {Qt::black, Qt::blue, Qt::red, Qt::darkGreen};
  for (int l = 0; l < 4; ++l) {
    chart.add_line(QString("l%1").arg(l), QString("line %1").arg(l),
                   TimeSeriesChart::LineStyle{colors[l], true, false, Qt::SolidLine, 2.0});
  }
  chart.set_smoothing(0.6);
  chart.resize(900, 420);
  chart.show();
  QApplication::processEvents();
  std::int64_t step = 0;
  for (; step < points; ++step) {
    for (int l = 0; l < 4; ++l) chart.append(l, stamp(step), noisy(step, l));
  }
  chart.refresh();
  chart.viewport()->repaint();

  std::vector<double> update_ms;
  std::vector<double> total_ms;
  QElapsedTimer timer;
  for (int r = 0; r < refreshes; ++r) {
    // A new report arrives: the refresh has real work (the x range moves with it).
    for (int l = 0; l < 4; ++l) chart.append(l, stamp(step), noisy(step, l));
    ++step;
    timer.start();
    chart.refresh();
    const qint64 updated = timer.nsecsElapsed();
    chart.viewport()->repaint();
    const qint64 painted = timer.nsecsElapsed();
    update_ms.push_back(updated / 1e6);
    total_ms.push_back(painted / 1e6);
  }
  int drawn = 0;
  for (int l = 0; l < chart.line_count(); ++l) {
    drawn += chart.series_point_count(l) + (chart.raw_series(l) ? chart.raw_series(l)->count() : 0);
  }
  const Stats u = summarise(update_ms);
  const Stats t = summarise(total_ms);
  out << QString("| %1 | 8 | %2 | %3 | %4 | %5 | %6 |\n")
             .arg(points)
             .arg(drawn)
             .arg(u.median_ms, 0, 'f', 2)
             .arg(u.p99_ms, 0, 'f', 2)
             .arg(t.median_ms, 0, 'f', 2)
             .arg(t.p99_ms, 0, 'f', 2);
  out.flush();
}

// The whole dashboard: one coalesced redraw of all four time charts after a new step report.
void bench_panel(int points, int refreshes, QTextStream& out) {
  ChartPanel panel;
  panel.resize(1600, 900);
  panel.show();
  QApplication::processEvents();
  panel.reset({});
  moelab::StepMetrics m;
  auto report = [&](std::int64_t s) {
    m.step = s;
    m.epoch = 1;
    m.wall_seconds = 0.01 * s;
    m.loss_total = noisy(s, 0);
    m.loss_cross_entropy = noisy(s, 1);
    m.loss_entropy = -0.1 + 0.01 * noisy(s, 2);
    m.loss_diversity = 0.02 * noisy(s, 3);
    m.usage_entropy = 0.5 + 0.2 * noisy(s, 4);
    m.sample_entropy = 0.3 + 0.2 * noisy(s, 5);
    m.train_accuracy = 0.5 + 0.1 * noisy(s, 6);
    panel.add_step(m);
  };
  std::int64_t step = 1;
  for (; step <= points; ++step) report(step);
  panel.flush();
  panel.repaint();

  std::vector<double> total_ms;
  QElapsedTimer timer;
  for (int r = 0; r < refreshes; ++r) {
    report(step++);
    timer.start();
    panel.flush();
    panel.repaint();
    total_ms.push_back(timer.nsecsElapsed() / 1e6);
  }
  const Stats t = summarise(total_ms);
  out << QString("| %1 | %2 | %3 | %4 |\n")
             .arg(points)
             .arg(panel.series_point_count())
             .arg(t.median_ms, 0, 'f', 2)
             .arg(t.p99_ms, 0, 'f', 2);
  out.flush();
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int refreshes = argc > 1 ? std::max(5, QString(argv[1]).toInt()) : 50;
  QTextStream out(stdout);
  out << "### One chart refresh (TimeSeriesChart, 4 smoothed lines = 8 series, 900x420 px, "
      << refreshes << " refreshes)\n\n";
  out << "| points per series | series | points drawn | decimate + replace median ms | p99 ms "
         "| + repaint median ms | p99 ms |\n";
  out << "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (int n : {1000, 10000, 100000}) bench_chart(n, refreshes, out);

  out << "\n### Whole dashboard redraw (ChartPanel::flush + repaint, 1600x900 px, 7 step "
         "curves)\n\n";
  out << "| steps per series | points drawn | flush + repaint median ms | p99 ms |\n";
  out << "|---:|---:|---:|---:|\n";
  for (int n : {1000, 10000, 100000}) bench_panel(n, refreshes, out);
  return 0;
}
