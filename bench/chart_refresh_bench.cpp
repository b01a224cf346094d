// The cost of one live-chart refresh at growing history lengths: decimate the visible range to
// the plot's pixel width, swap the decimated curves in, move the axes, repaint. Prints Markdown
// tables; wall time and this thread's CPU time (the machine may be shared).
//
//   QT_QPA_PLATFORM=offscreen ./chart_refresh_bench [refreshes]

#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

#include "charts/chart_panel.h"
#include "charts/time_series_chart.h"
#include "training/loss_term_catalog.h"

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

// Deterministic noise in [-0.5, 0.5) from a point's index and its curve.
double hash_noise(std::int64_t i, int line) {
  std::uint64_t h =
      static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull + line * 0xBF58476D1CE4E5B9ull;
  h ^= h >> 31;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 29;
  return static_cast<double>(h >> 11) / 9007199254740992.0 - 0.5;
}

// Training-like curves: a decay to a floor over the whole run, noise of a few percent of the
// value (reports average a few batches), and a rare spike that the decimation must keep.
double noisy(std::int64_t i, int line, std::int64_t total) {
  static const double floor_of[] = {0.20, 0.15, -0.10, 0.02, 0.60, 0.30, 0.50};
  static const double decay_of[] = {2.00, 2.00, 0.02, 0.03, 0.30, 0.50, 0.40};
  const double t = static_cast<double>(i) / static_cast<double>(std::max<std::int64_t>(total, 1));
  const double value = floor_of[line] + decay_of[line] * std::exp(-4.0 * t);
  const double noise = hash_noise(i, line) + hash_noise(i, line + 7) + hash_noise(i, line + 14);
  const double spike = hash_noise(i, line + 21) > 0.4997 ? 0.5 * decay_of[line] : 0.0;
  return value + 0.1 * std::abs(value) * noise + spike;
}

// The machine is shared: thread CPU time shows the cost without the waits for a core.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

XStamp stamp(std::int64_t step) { return XStamp{static_cast<double>(step), 0.01 * step, 1}; }

// One TimeSeriesChart like the loss chart: four smoothed lines, so eight curves with the faint
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
    for (int l = 0; l < 4; ++l) chart.append(l, stamp(step), noisy(step, l, points));
  }
  chart.refresh();
  chart.viewport()->repaint();

  std::vector<double> update_ms;
  std::vector<double> total_ms;
  std::vector<double> cpu_ms;
  QElapsedTimer timer;
  for (int r = 0; r < refreshes; ++r) {
    // A new report arrives: the refresh has real work (the x range moves with it).
    for (int l = 0; l < 4; ++l) chart.append(l, stamp(step), noisy(step, l, points));
    ++step;
    const double cpu = thread_cpu_ms();
    timer.start();
    chart.refresh();
    const qint64 updated = timer.nsecsElapsed();
    chart.viewport()->repaint();
    const qint64 painted = timer.nsecsElapsed();
    cpu_ms.push_back(thread_cpu_ms() - cpu);
    update_ms.push_back(updated / 1e6);
    total_ms.push_back(painted / 1e6);
  }
  // Zooming or panning moves every pixel column: the decimation starts over on the whole range.
  std::vector<double> zoom_ms;
  for (int r = 0; r < refreshes; ++r) {
    const double span = static_cast<double>(step);
    const double from = (r % 2 == 0) ? 0.0 : 0.25 * span;
    const double cpu = thread_cpu_ms();
    chart.set_x_range(from, from + 0.75 * span);
    chart.refresh();
    chart.viewport()->repaint();
    zoom_ms.push_back(thread_cpu_ms() - cpu);
  }
  chart.reset_zoom();
  chart.refresh();

  int drawn = 0;
  for (int l = 0; l < chart.line_count(); ++l) {
    drawn += chart.series_point_count(l) + static_cast<int>(chart.faint_points(l).size());
  }
  const Stats u = summarise(update_ms);
  const Stats t = summarise(total_ms);
  const Stats c = summarise(cpu_ms);
  const Stats z = summarise(zoom_ms);
  out << QString("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 | %9 | %10 |\n")
             .arg(points)
             .arg(drawn)
             .arg(u.median_ms, 0, 'f', 2)
             .arg(u.p99_ms, 0, 'f', 2)
             .arg(t.median_ms, 0, 'f', 2)
             .arg(t.p99_ms, 0, 'f', 2)
             .arg(c.median_ms, 0, 'f', 2)
             .arg(c.p99_ms, 0, 'f', 2)
             .arg(z.median_ms, 0, 'f', 2)
             .arg(z.p99_ms, 0, 'f', 2);
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
    m.loss_total = noisy(s, 0, points);
    m.loss_terms.clear();
    for (std::size_t t = 0; t < moelab::loss_term_catalog().size(); ++t) {
      m.loss_terms.push_back(noisy(s, 1 + static_cast<int>(t), points));
    }
    m.usage_entropy = noisy(s, 8, points);
    m.sample_entropy = noisy(s, 5, points);
    m.train_accuracy = 1.0 - noisy(s, 6, points);
    panel.add_step(m);
  };
  std::int64_t step = 1;
  for (; step <= points; ++step) report(step);
  panel.flush();
  panel.repaint();

  std::vector<double> total_ms;
  std::vector<double> cpu_ms;
  QElapsedTimer timer;
  for (int r = 0; r < refreshes; ++r) {
    report(step++);
    const double cpu = thread_cpu_ms();
    timer.start();
    panel.flush();
    panel.repaint();
    total_ms.push_back(timer.nsecsElapsed() / 1e6);
    cpu_ms.push_back(thread_cpu_ms() - cpu);
  }
  const Stats t = summarise(total_ms);
  const Stats c = summarise(cpu_ms);
  out << QString("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
             .arg(points)
             .arg(panel.series_point_count())
             .arg(t.median_ms, 0, 'f', 2)
             .arg(t.p99_ms, 0, 'f', 2)
             .arg(c.median_ms, 0, 'f', 2)
             .arg(c.p99_ms, 0, 'f', 2);
  out.flush();
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int refreshes = argc > 1 ? std::max(5, QString(argv[1]).toInt()) : 50;
  QTextStream out(stdout);
  out << "### One chart refresh (TimeSeriesChart, 4 smoothed lines = 8 curves, 900x420 px, "
      << refreshes << " refreshes)\n\n";
  out << "Live: a report arrived, view following. Zoom: the x range changed, every column "
         "re-decimated. CPU = this thread's CPU time for refresh + repaint.\n\n";
  out << "| points per series | points drawn | live decimate + swap median ms | p99 ms "
         "| live + repaint median ms | p99 ms | live CPU median ms | CPU p99 ms "
         "| zoom CPU median ms | CPU p99 ms |\n";
  out << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (int n : {0, 1000, 10000, 100000}) bench_chart(n, refreshes, out);

  out << "\n### Whole dashboard redraw (ChartPanel::flush + repaint, 1600x900 px, 7 step "
         "curves)\n\n";
  out << "| steps per series | points drawn | flush + repaint median ms | p99 ms | CPU median ms "
         "| CPU p99 ms |\n";
  out << "|---:|---:|---:|---:|---:|---:|\n";
  for (int n : {1000, 10000, 100000}) bench_panel(n, refreshes, out);
  return 0;
}
