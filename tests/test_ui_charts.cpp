// The live charts: throttled redraws, splits and switches as markers and series, TensorBoard
// smoothing, min/max decimation, x-axis re-mapping, follow, export and the routing heat map; the
// loss chart's lines from the core's loss-term catalog, effective experts and load violation on a
// right axis, the per-expert task gradient and the split details in the read-out.
// Runs offscreen (QT_QPA_PLATFORM=offscreen).

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTabBar>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtCharts/QLineSeries>
#include <QtTest>
#include <cmath>
#include <vector>

#include "charts/chart_panel.h"
#include "charts/ema_smoother.h"
#include "charts/expert_palette.h"
#include "charts/expert_river.h"
#include "charts/min_max_decimator.h"
#include "charts/routing_heatmap.h"
#include "charts/time_series_chart.h"
#include "charts/utilization_bar_chart.h"
#include "charts/x_clock.h"
#include "training/loss_term_catalog.h"

using moelab::EpochMetrics;
using moelab::RunConfig;
using moelab::SplitEvent;
using moelab::StepMetrics;
using moelab::SwitchEvent;
using moelab::ui::ChartPanel;
using moelab::ui::TimeSeriesChart;
using moelab::ui::XAxis;

namespace {

constexpr int kStepsPerEpoch = 20;
constexpr int kLogInterval = 5;

StepMetrics make_step(std::int64_t step, int experts = 4) {
  StepMetrics m;
  m.step = step;
  m.epoch = static_cast<int>((step - 1) / kStepsPerEpoch) + 1;
  m.wall_seconds = 0.1 * static_cast<double>(step);
  // Term i of the catalog: a falling first term (the task), small constants after it.
  const std::size_t terms = moelab::loss_term_catalog().size();
  for (std::size_t i = 0; i < terms; ++i) {
    m.loss_terms.push_back(i == 0 ? 2.0 / (1.0 + 0.01 * static_cast<double>(step))
                                  : 0.01 * static_cast<double>(i + 1));
    m.loss_total += m.loss_terms.back();
  }
  m.usage_entropy = 0.9;
  m.sample_entropy = 0.6;
  m.train_accuracy = 0.5;
  m.slot_share.assign(static_cast<std::size_t>(experts), 1.0f / static_cast<float>(experts));
  return m;
}

EpochMetrics make_epoch(int epoch, int experts = 4, std::vector<int> dormant = {}) {
  EpochMetrics m;
  m.epoch = epoch;
  m.step = static_cast<std::int64_t>(epoch) * kStepsPerEpoch;
  m.wall_seconds = 0.1 * static_cast<double>(m.step) + 0.05;
  m.train_accuracy = 0.5 + 0.01 * epoch;
  m.val_accuracy = 0.45 + 0.01 * epoch;
  m.experts = experts;
  double squares = 0;
  for (int e = 0; e < experts; ++e) {
    const bool is_dormant = std::find(dormant.begin(), dormant.end(), e) != dormant.end();
    m.utilization.push_back(is_dormant ? 0.01f : 0.4f);
    // A dormant expert is in no sample's top-k: the task no longer reaches its router row.
    m.router_task_grad.push_back(is_dormant ? 0.0f : 0.01f * static_cast<float>(e + 1));
    squares += m.router_task_grad.back() * m.router_task_grad.back();
  }
  m.router_task_grad_norm = std::sqrt(squares);
  m.effective_experts = experts - static_cast<double>(dormant.size()) * 0.9;
  m.load_violation = 0.1 * epoch;
  m.dormant = dormant;
  for (int c = 0; c < 10; ++c) {
    std::vector<float> row(static_cast<std::size_t>(experts), 0.0f);
    row[static_cast<std::size_t>(c % experts)] = 1.0f;
    m.routing_matrix.push_back(row);
  }
  return m;
}

// Feeds whole epochs the way the trainer reports them: a step report every kLogInterval steps,
// then the epoch.
void feed_epochs(ChartPanel& panel, int first_epoch, int last_epoch, int experts = 4) {
  for (int epoch = first_epoch; epoch <= last_epoch; ++epoch) {
    const std::int64_t start = static_cast<std::int64_t>(epoch - 1) * kStepsPerEpoch;
    for (std::int64_t s = start + kLogInterval; s <= start + kStepsPerEpoch; s += kLogInterval) {
      panel.add_step(make_step(s, experts));
    }
    panel.add_epoch(make_epoch(epoch, experts));
  }
}

QStringList digit_names() {
  QStringList names;
  for (int i = 0; i < 10; ++i) names << QString::number(i);
  return names;
}

}  // namespace

class TestUiCharts : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void data_reaches_every_chart_after_the_timer();
  void nothing_is_drawn_before_the_timer();
  void split_creates_child_series_and_markers();
  void switch_creates_a_marker_on_every_chart();
  void dormant_experts_are_marked();
  void ema_of_constant_is_constant_data();
  void ema_of_constant_is_constant();
  void ema_matches_hand_computed_values();
  void chart_smoothing_keeps_raw_and_smoothed();
  void decimation_keeps_global_extremes();
  void decimation_leaves_short_curves_alone();
  void incremental_decimation_matches_full();
  void x_axis_switch_remaps_data();
  void x_axis_switch_remaps();
  void epoch_x_is_fractional_within_an_epoch();
  void burst_of_steps_is_coalesced();
  void idle_panel_does_not_redraw();
  void follow_off_keeps_x_range();
  void wheel_zoom_links_charts_and_stops_following();
  void tooltip_lists_every_line();
  void loss_chart_has_a_line_per_catalog_term();
  void balance_chart_puts_expert_counts_on_a_right_axis();
  void right_axis_ranges_apart_from_the_left();
  void task_gradient_chart_has_a_line_per_expert_and_the_norm();
  void expert_view_switches_the_shared_cell();
  void split_marker_read_out_shows_its_effect();
  void bar_read_out_names_the_task_gradient();
  void export_png_and_svg();
  void narrow_panel_uses_two_columns();
  void heatmap_paints_and_looks_up_cells();
  void bars_follow_latest_epoch();
  void reset_clears_everything();
  void render_realistic_run();
};

void TestUiCharts::data_reaches_every_chart_after_the_timer() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 3);
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QTRY_VERIFY(chart->line_count() > 0);
    for (int line = 0; line < chart->line_count(); ++line) {
      QTRY_VERIFY2(chart->series_point_count(line) > 0,
                   qPrintable(chart->title() + " / " + chart->line_name(line)));
    }
  }
  QCOMPARE(panel.entropy_chart()->point_count(0), 3 * kStepsPerEpoch / kLogInterval);
  QCOMPARE(panel.utilization_chart()->line_count(), 4);
  QCOMPARE(panel.utilization_chart()->point_count(0), 3);
  QTRY_COMPARE(panel.utilization_bars()->bar_count(), 4);
  QTRY_COMPARE(panel.routing_heatmap()->class_count(), 10);
  QVERIFY(panel.series_point_count() > 0);
}

void TestUiCharts::nothing_is_drawn_before_the_timer() {
  ChartPanel panel;
  panel.reset({});
  QTRY_VERIFY(!panel.redraw_pending());
  panel.add_step(make_step(5));
  // Buffered, not drawn: the series stay empty until the throttle timer fires.
  QCOMPARE(panel.entropy_chart()->point_count(0), 1);
  QCOMPARE(panel.entropy_chart()->series_point_count(0), 0);
  QVERIFY(panel.redraw_pending());
  QTRY_COMPARE(panel.entropy_chart()->series_point_count(0), 1);
}

void TestUiCharts::split_creates_child_series_and_markers() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 2);
  const SplitEvent split{2, 2 * kStepsPerEpoch, 1, 4};
  panel.add_split(split);
  feed_epochs(panel, 3, 4, 5);
  panel.flush();

  TimeSeriesChart* util = panel.utilization_chart();
  const int child = util->find_line("e4");
  QVERIFY(child >= 0);
  QCOMPARE(util->line_count(), 5);
  // Born at the split, branching off its parent's curve, then one point per epoch.
  const QVector<QPointF> points = util->points(child);
  QCOMPARE(points.size(), 3);
  QCOMPARE(points.first().x(), static_cast<double>(split.step));
  QCOMPARE(points.first().y(), util->points(util->find_line("e1"))[1].y());
  QVERIFY(util->series_point_count(child) > 0);
  QCOMPARE(util->line_color(child), moelab::ui::ExpertPalette::color(4));

  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 1);
    QCOMPARE(chart->marker_label(0), QString("split e1 -> e4"));
    QVERIFY(chart->marker_kind(0) == TimeSeriesChart::MarkerKind::Split);
    QCOMPARE(chart->marker_x(0), static_cast<double>(split.step));
  }

  // The same event on the other axes: exactly at the end of epoch 2.
  panel.set_x_axis(XAxis::Epoch);
  panel.flush();
  QCOMPARE(util->points(child).first().x(), 2.0);
  for (TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->marker_x(0), 2.0);
  panel.set_x_axis(XAxis::WallTime);
  panel.flush();
  QCOMPARE(util->points(child).first().x(), make_epoch(2).wall_seconds);
}

void TestUiCharts::switch_creates_a_marker_on_every_chart() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 1);
  panel.add_switch(SwitchEvent{2, 21, "entropy_loss", "off", "on"});
  panel.flush();
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 1);
    QCOMPARE(chart->marker_label(0), QString("Load balancing on"));
    QVERIFY(chart->marker_kind(0) == TimeSeriesChart::MarkerKind::Switch);
    QCOMPARE(chart->marker_x(0), 21.0);
  }
}

void TestUiCharts::dormant_experts_are_marked() {
  ChartPanel panel;
  panel.reset({});
  panel.add_epoch(make_epoch(1, 4, {3}));
  panel.flush();
  TimeSeriesChart* util = panel.utilization_chart();
  const int e3 = util->find_line("e3");
  QVERIFY(util->line_dormant(e3));
  QCOMPARE(util->line_name(e3), QString("e3 (dormant)"));
  QCOMPARE(util->series(e3)->name(), QString("e3 (dormant)"));
  QVERIFY(util->point_dormant(e3, 0));
  QVERIFY(!util->line_dormant(util->find_line("e0")));
  QVERIFY(!util->point_dormant(util->find_line("e0"), 0));
  QCOMPARE(util->reference_count(), 1);  // the 5% threshold
  QVERIFY(panel.utilization_bars()->is_dormant(3));
  QVERIFY(!panel.utilization_bars()->is_dormant(0));

  // Recovered at the next epoch: a plain name, and only the first epoch is marked dormant (an
  // expert is drawn dormant where it was, not over its whole history).
  panel.add_epoch(make_epoch(2, 4, {}));
  panel.flush();
  QVERIFY(!util->line_dormant(e3));
  QCOMPARE(util->line_name(e3), QString("e3"));
  QVERIFY(util->point_dormant(e3, 0));
  QVERIFY(!util->point_dormant(e3, 1));
  QCOMPARE(util->line_pen(e3).style(), Qt::SolidLine);
  panel.add_epoch(make_epoch(3, 4, {3}));
  panel.flush();
  QVERIFY(util->point_dormant(e3, 2));
  QVERIFY(!util->point_dormant(e3, 1));
  QVERIFY(!util->grab().toImage().isNull());
}

void TestUiCharts::ema_of_constant_is_constant_data() {
  QTest::addColumn<double>("weight");
  QTest::addColumn<double>("value");
  QTest::newRow("w=0") << 0.0 << 3.5;
  QTest::newRow("w=0.6") << 0.6 << 3.5;
  QTest::newRow("w=0.99") << 0.99 << -0.25;
  QTest::newRow("w=0.9 zero") << 0.9 << 0.0;
}

void TestUiCharts::ema_of_constant_is_constant() {
  QFETCH(double, weight);
  QFETCH(double, value);
  moelab::ui::EmaSmoother ema(weight);
  for (int i = 0; i < 200; ++i) QVERIFY(std::abs(ema.push(value) - value) < 1e-12);
}

void TestUiCharts::ema_matches_hand_computed_values() {
  // TensorBoard: last = last*w + (1-w)*y; smoothed = last / (1 - w^(i+1)). For w = 0.5 and
  // y = 0, 1, 1, 1: last = 0, .5, .75, .875 and debias = .5, .75, .875, .9375.
  moelab::ui::EmaSmoother ema(0.5);
  QCOMPARE(ema.push(0.0), 0.0);
  QVERIFY(qFuzzyCompare(ema.push(1.0), 0.5 / 0.75));
  QVERIFY(qFuzzyCompare(ema.push(1.0), 0.75 / 0.875));
  QVERIFY(qFuzzyCompare(ema.push(1.0), 0.875 / 0.9375));
  // A NaN passes through without disturbing the state.
  QVERIFY(std::isnan(ema.push(std::nan(""))));
  QVERIFY(qFuzzyCompare(ema.push(1.0), 0.9375 / 0.96875));
}

void TestUiCharts::chart_smoothing_keeps_raw_and_smoothed() {
  TimeSeriesChart chart("t", "y");
  const int line = chart.add_line("a", "a", {Qt::blue, true, false, Qt::SolidLine, 2.0});
  chart.set_smoothing(0.5);
  for (int i = 0; i < 4; ++i)
    chart.append(line, moelab::ui::XStamp{double(i), 0.0, 1}, i == 0 ? 0 : 1);
  chart.refresh();
  const QVector<QPointF> smooth = chart.smoothed_points(line);
  QCOMPARE(smooth.size(), 4);
  QVERIFY(qFuzzyCompare(smooth[1].y(), 0.5 / 0.75));
  QCOMPARE(chart.points(line)[1].y(), 1.0);
  // Raw faint behind, smoothed bold.
  QCOMPARE(chart.faint_points(line).size(), 4);
  QCOMPARE(chart.faint_points(line)[1].y(), 1.0);
  QCOMPARE(chart.faint_pen(line).color().alpha(), TimeSeriesChart::kFaintAlpha);
  QVERIFY(qFuzzyCompare(chart.drawn_points(line)[1].y(), 0.5 / 0.75));
  // Smoothing off: only the raw curve, drawn bold.
  chart.set_smoothing(0.0);
  chart.refresh();
  QVERIFY(chart.faint_points(line).isEmpty());
  QCOMPARE(chart.drawn_points(line)[1].y(), 1.0);
  QVERIFY(chart.smoothed_points(line).isEmpty());
}

void TestUiCharts::decimation_keeps_global_extremes() {
  QVector<QPointF> points;
  points.reserve(100000);
  for (int i = 0; i < 100000; ++i) points.push_back(QPointF(i, std::sin(i * 0.001)));
  points[31337].setY(9.0);  // one-sample spikes that every-n-th sampling would drop
  points[77777].setY(-7.0);
  const QList<QPointF> out =
      moelab::ui::decimate_min_max(points.constData(), points.size(), 0.0, 99999.0, 500);
  QVERIFY(out.size() <= 2 * 500 + 2);
  QVERIFY(out.size() >= 500);
  QVERIFY(out.contains(QPointF(31337, 9.0)));
  QVERIFY(out.contains(QPointF(77777, -7.0)));
  QCOMPARE(out.first(), points.first());
  QCOMPARE(out.last(), points.last());
  for (qsizetype i = 1; i < out.size(); ++i) QVERIFY(out[i].x() > out[i - 1].x());
}

void TestUiCharts::decimation_leaves_short_curves_alone() {
  const QVector<QPointF> points = {{0, 1}, {1, 3}, {2, 2}};
  const QList<QPointF> out =
      moelab::ui::decimate_min_max(points.constData(), points.size(), 0.0, 2.0, 500);
  QCOMPARE(out, QList<QPointF>(points.begin(), points.end()));
  QVERIFY(moelab::ui::decimate_min_max(points.constData(), 0, 0.0, 1.0, 10).isEmpty());
}

void TestUiCharts::incremental_decimation_matches_full() {
  QVector<QPointF> points;
  moelab::ui::MinMaxDecimator decimator;
  std::uint32_t state = 7;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / 16777216.0;
  };
  // A live curve: points arrive in bursts of various sizes into a fixed view.
  std::uint64_t generation = 1;
  for (int burst = 0; burst < 60; ++burst) {
    const int n = 1 + static_cast<int>(next() * 700);
    for (int k = 0; k < n; ++k) points.push_back(QPointF(points.size() * 0.5, next()));
    if (burst == 30) {
      points[10].setY(5.0);  // changed in place: only a new generation may pick it up
      ++generation;
    }
    const QList<QPointF> incremental =
        decimator.decimate(points, 0, points.size(), 0.0, 12000.0, 300, generation);
    const QList<QPointF> full =
        moelab::ui::decimate_min_max(points.constData(), points.size(), 0.0, 12000.0, 300);
    QCOMPARE(incremental, full);
    if (burst > 40)
      QVERIFY(decimator.last_scanned() < n + 200);  // only the new points and the open column
  }
}

void TestUiCharts::x_axis_switch_remaps_data() {
  QTest::addColumn<int>("axis");
  QTest::newRow("epoch") << static_cast<int>(XAxis::Epoch);
  QTest::newRow("wall time") << static_cast<int>(XAxis::WallTime);
  QTest::newRow("step") << static_cast<int>(XAxis::Step);
}

void TestUiCharts::x_axis_switch_remaps() {
  QFETCH(int, axis);
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 3);
  panel.flush();
  const auto mode = static_cast<XAxis>(axis);
  panel.set_x_axis(XAxis::Epoch);  // through another mode first: nothing may get lost
  panel.set_x_axis(mode);
  panel.flush();
  QCOMPARE(panel.x_axis(), mode);

  TimeSeriesChart* entropy = panel.entropy_chart();
  const QVector<QPointF> steps = entropy->points(0);
  QCOMPARE(steps.size(), 3 * kStepsPerEpoch / kLogInterval);
  for (int i = 0; i < steps.size(); ++i) {
    const double step = kLogInterval * (i + 1);
    const double expected = mode == XAxis::Step    ? step
                            : mode == XAxis::Epoch ? step / kStepsPerEpoch
                                                   : 0.1 * step;
    QVERIFY2(qFuzzyCompare(steps[i].x(), expected),
             qPrintable(QString("point %1: %2 != %3").arg(i).arg(steps[i].x()).arg(expected)));
  }
  const QVector<QPointF> val = panel.accuracy_chart()->points(2);
  QCOMPARE(val.size(), 3);
  for (int e = 0; e < 3; ++e) {
    const double expected = mode == XAxis::Step    ? (e + 1) * kStepsPerEpoch
                            : mode == XAxis::Epoch ? e + 1
                                                   : make_epoch(e + 1).wall_seconds;
    QVERIFY(qFuzzyCompare(val[e].x(), expected));
  }
  // The drawn series are in the new unit too.
  QVERIFY(entropy->x_max() >= steps.last().x());
  QVERIFY(entropy->x_max() <= steps.last().x() * 1.15);
}

void TestUiCharts::epoch_x_is_fractional_within_an_epoch() {
  moelab::ui::XClock clock;
  // Before any epoch ended, the length of an epoch is unknown: the epoch's start.
  QCOMPARE(clock.epoch_x({10, 1.0, 1}), 0.0);
  clock.add_epoch_end(1, 20, 2.0);
  QCOMPARE(clock.epoch_x({10, 1.0, 1}), 0.5);
  QCOMPARE(clock.epoch_x({20, 2.0, 1}), 1.0);
  // The running epoch is assumed as long as the last one, and never spills into the next.
  QCOMPARE(clock.epoch_x({25, 2.5, 2}), 1.25);
  QCOMPARE(clock.epoch_x({100, 9.0, 2}), 2.0);
  // Events carry no time: interpolated from the reports around them.
  clock.add_step_time(30, 3.0);
  QCOMPARE(clock.event_stamp(2, 25).wall, 2.5);
}

void TestUiCharts::burst_of_steps_is_coalesced() {
  ChartPanel panel;
  panel.reset({});
  panel.flush();
  const int before = panel.redraw_count();
  for (int s = 1; s <= 10000; ++s) panel.add_step(make_step(s));
  QTRY_VERIFY(panel.redraw_count() > before);
  QTest::qWait(4 * ChartPanel::kRedrawIntervalMs);
  QVERIFY2(panel.redraw_count() - before <= 3,
           qPrintable(QString("%1 redraws").arg(panel.redraw_count() - before)));
  // 10k points, but the series only hold what the plot width can show.
  QCOMPARE(panel.loss_chart()->point_count(0), 10000);
  QVERIFY(panel.loss_chart()->series_point_count(0) <= 2 * 2000 + 2);
  QVERIFY(panel.loss_chart()->series_point_count(0) > 0);
}

void TestUiCharts::idle_panel_does_not_redraw() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 1);
  QTRY_VERIFY(!panel.redraw_pending());
  const int count = panel.redraw_count();
  QTest::qWait(5 * ChartPanel::kRedrawIntervalMs);
  QCOMPARE(panel.redraw_count(), count);
  panel.add_step(make_step(21));
  QTRY_COMPARE(panel.redraw_count(), count + 1);
}

void TestUiCharts::follow_off_keeps_x_range() {
  ChartPanel panel;
  panel.resize(1400, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset({});
  feed_epochs(panel, 1, 2);
  panel.flush();
  QSignalSpy follow_spy(&panel, &ChartPanel::follow_changed);
  panel.set_follow(false);
  QCOMPARE(follow_spy.count(), 1);
  std::vector<std::pair<double, double>> ranges;
  for (TimeSeriesChart* chart : panel.time_charts())
    ranges.emplace_back(chart->x_min(), chart->x_max());

  feed_epochs(panel, 3, 6);
  QTRY_VERIFY(!panel.redraw_pending());
  panel.flush();
  const QList<TimeSeriesChart*> charts = panel.time_charts();
  for (int i = 0; i < charts.size(); ++i) {
    QCOMPARE(charts[i]->x_min(), ranges[static_cast<std::size_t>(i)].first);
    QCOMPARE(charts[i]->x_max(), ranges[static_cast<std::size_t>(i)].second);
    QCOMPARE(charts[i]->point_count(0) > 0, true);
  }
  QCOMPARE(panel.entropy_chart()->point_count(0), 6 * kStepsPerEpoch / kLogInterval);

  // Following again shows everything, and all charts share the newest x.
  panel.set_follow(true);
  panel.flush();
  for (TimeSeriesChart* chart : charts) {
    QVERIFY(chart->x_max() >= 6 * kStepsPerEpoch);
    QCOMPARE(chart->x_max(), charts.first()->x_max());
  }
}

void TestUiCharts::wheel_zoom_links_charts_and_stops_following() {
  ChartPanel panel;
  panel.resize(1400, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset({});
  feed_epochs(panel, 1, 5);
  panel.flush();
  TimeSeriesChart* loss = panel.loss_chart();
  const double span = loss->x_max() - loss->x_min();
  const QRectF plot = loss->chart()->plotArea();
  const QPointF at = loss->mapFromScene(loss->chart()->mapToScene(plot.center()));
  QWheelEvent wheel(at, loss->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(loss->viewport(), &wheel);
  QVERIFY(!panel.follows());
  QVERIFY(loss->x_max() - loss->x_min() < span * 0.9);
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->x_min(), loss->x_min());
    QCOMPARE(chart->x_max(), loss->x_max());
  }
  // Double-click: whole run, following again.
  QTest::mouseDClick(loss->viewport(), Qt::LeftButton, Qt::NoModifier, at.toPoint());
  QVERIFY(panel.follows());
  QVERIFY(loss->x_max() - loss->x_min() >= span * 0.99);
}

void TestUiCharts::tooltip_lists_every_line() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 2);
  panel.flush();
  const QString text = panel.loss_chart()->tooltip_text(20.0);
  QVERIFY2(text.contains("total"), qPrintable(text));
  for (const auto& term : moelab::loss_term_catalog()) {
    QVERIFY2(text.contains(QString::fromStdString(term.label)), qPrintable(text));
  }
  QVERIFY(text.contains("step 20"));
  QVERIFY(text.contains("raw"));  // smoothing is on by default: both values shown
}

void TestUiCharts::loss_chart_has_a_line_per_catalog_term() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 1);
  panel.flush();
  const auto& catalog = moelab::loss_term_catalog();
  TimeSeriesChart* loss = panel.loss_chart();
  // The total, then one line per term, keyed by the term's name and named by its label.
  QCOMPARE(loss->line_count(), static_cast<int>(catalog.size()) + 1);
  QCOMPARE(loss->line_key(0), QString("total"));
  const StepMetrics first = make_step(kLogInterval);
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const int line = loss->find_line(QString::fromStdString(catalog[i].name));
    QVERIFY2(line > 0, catalog[i].name.c_str());
    QCOMPARE(loss->line_name(line), QString::fromStdString(catalog[i].label));
    QCOMPARE(loss->point_count(line), kStepsPerEpoch / kLogInterval);
    // The value at the term's position in the report, not at another term's.
    QCOMPARE(loss->points(line).first().y(), first.loss_terms[i]);
  }
  // A report with fewer terms than the catalog (an older run) fills what it has.
  StepMetrics short_report = make_step(kStepsPerEpoch + kLogInterval);
  short_report.loss_terms.resize(1);
  panel.add_step(short_report);
  QCOMPARE(loss->point_count(1), kStepsPerEpoch / kLogInterval + 1);
}

void TestUiCharts::balance_chart_puts_expert_counts_on_a_right_axis() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 3, 6);
  panel.flush();
  TimeSeriesChart* balance = panel.entropy_chart();
  QVERIFY(balance->has_right_axis());
  const int effective = balance->find_line("effective_experts");
  const int violation = balance->find_line("load_violation");
  QVERIFY(effective >= 0 && violation >= 0);
  QVERIFY(balance->line_on_right_axis(effective));
  QVERIFY(balance->line_on_right_axis(violation));
  QVERIFY(!balance->line_on_right_axis(balance->find_line("usage_entropy")));
  QCOMPARE(balance->line_name(effective), QString("effective experts"));
  QCOMPARE(balance->line_name(balance->find_line("usage_entropy")), QString("slot-share entropy"));
  QCOMPARE(balance->point_count(effective), 3);
  QCOMPARE(balance->last_value(effective), 6.0);
  QCOMPARE(balance->last_value(violation), 0.3);
  // The normalised entropies keep their fixed [0, 1] axis; six experts need a right axis to 6.
  QCOMPARE(balance->y_max(), 1.05);
  QCOMPARE(balance->right_y_min(), 0.0);
  QVERIFY(balance->right_y_max() >= 6.0);
  QVERIFY(balance->series_point_count(effective) > 0);
}

void TestUiCharts::right_axis_ranges_apart_from_the_left() {
  TimeSeriesChart chart("t", "left");
  chart.resize(500, 320);
  chart.set_y_range(TimeSeriesChart::YRange::Auto);
  chart.set_right_axis("right", TimeSeriesChart::YRange::AutoFromZero);
  TimeSeriesChart::LineStyle right_style{Qt::red, false, false, Qt::SolidLine, 2.0};
  right_style.right_axis = true;
  const int left = chart.add_line("l", "l", {Qt::blue, false, false, Qt::SolidLine, 2.0});
  const int right = chart.add_line("r", "r", right_style);
  for (int i = 1; i <= 10; ++i) {
    moelab::ui::XStamp at;
    at.step = i;
    chart.append(left, at, 0.5 + 0.01 * i);
    chart.append(right, at, 100.0 * i);
  }
  chart.refresh();
  // Each axis spans its own lines: the small left values are not flattened by the right ones.
  QVERIFY(chart.y_max() < 1.0);
  QVERIFY(chart.y_min() > 0.4);
  QCOMPARE(chart.right_y_min(), 0.0);
  QVERIFY(chart.right_y_max() >= 1000.0);
  // Without a right axis the flag is ignored: the line shares the left axis.
  TimeSeriesChart plain("t", "left");
  const int moved = plain.add_line("r", "r", right_style);
  QVERIFY(!plain.line_on_right_axis(moved));
  QVERIFY(std::isnan(plain.right_y_max()));
}

void TestUiCharts::task_gradient_chart_has_a_line_per_expert_and_the_norm() {
  ChartPanel panel;
  panel.reset({});
  panel.add_epoch(make_epoch(1, 4));
  panel.add_epoch(make_epoch(2, 4, {3}));
  panel.flush();
  TimeSeriesChart* task = panel.task_gradient_chart();
  QVERIFY(panel.time_charts().contains(task));
  QCOMPARE(task->line_count(), 5);  // e0..e3 and all rows
  const int all = task->find_line("all_rows");
  QVERIFY(all >= 0);
  QCOMPARE(task->line_name(all), QString("all rows"));
  QCOMPARE(task->last_value(all), make_epoch(2, 4, {3}).router_task_grad_norm);
  for (int e = 0; e < 4; ++e) {
    const int line = task->find_line(QString("e%1").arg(e));
    QVERIFY(line >= 0);
    QCOMPARE(task->line_color(line), moelab::ui::ExpertPalette::color(e));
    QCOMPARE(task->point_count(line), 2);
  }
  // The dormant expert: no gradient reaches it, and its line says so the same way as utilisation.
  const int e3 = task->find_line("e3");
  QCOMPARE(task->last_value(e3), 0.0);
  QVERIFY(task->line_dormant(e3));
  QCOMPARE(task->line_name(e3), QString("e3 (dormant)"));
  // A new run starts with the norm line alone.
  panel.reset({});
  QCOMPARE(task->line_count(), 1);
  QCOMPARE(task->point_count(0), 0);
}

void TestUiCharts::expert_view_switches_the_shared_cell() {
  ChartPanel panel;
  panel.resize(900, 700);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QSignalSpy changed(&panel, &ChartPanel::expert_view_changed);
  // The river first: the chart a room reads first.
  QCOMPARE(panel.expert_view(), ChartPanel::ExpertView::River);
  QVERIFY(panel.expert_river()->isVisible());
  QVERIFY(!panel.utilization_chart()->isVisible());
  QVERIFY(!panel.task_gradient_chart()->isVisible());
  panel.set_expert_view(ChartPanel::ExpertView::TaskGradient);
  QVERIFY(!panel.expert_river()->isVisible());
  QVERIFY(panel.task_gradient_chart()->isVisible());
  QVERIFY(!panel.utilization_chart()->isVisible());
  QCOMPARE(changed.count(), 1);
  panel.set_expert_view(ChartPanel::ExpertView::TaskGradient);
  QCOMPARE(changed.count(), 1);
  // The tabs over the cell are the user's way to switch.
  auto* tabs = panel.findChild<QTabBar*>();
  QVERIFY(tabs);
  QCOMPARE(tabs->count(), 3);
  QCOMPARE(tabs->currentIndex(), 2);
  tabs->setCurrentIndex(1);
  QCOMPARE(panel.expert_view(), ChartPanel::ExpertView::Utilization);
  QVERIFY(panel.utilization_chart()->isVisible());
  QCOMPARE(changed.count(), 2);
  // Both keep receiving data whichever is shown, and zoom together with the others.
  feed_epochs(panel, 1, 2);
  panel.flush();
  QCOMPARE(panel.utilization_chart()->point_count(0), 2);
  QCOMPARE(panel.task_gradient_chart()->point_count(0), 2);
  QCOMPARE(panel.expert_river()->point_count(), 2);
}

void TestUiCharts::split_marker_read_out_shows_its_effect() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 2);
  panel.add_split(SplitEvent{2, 2 * kStepsPerEpoch, 1, 4, 0.912, 0.905, 0.031});
  feed_epochs(panel, 3, 3, 5);
  panel.flush();
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 1);
    const QString detail = chart->marker_detail(0);
    QVERIFY2(detail.contains("91.2%") && detail.contains("90.5%") && detail.contains("3.1%"),
             qPrintable(detail));
  }
  const QString near = panel.accuracy_chart()->tooltip_text(2.0 * kStepsPerEpoch);
  QVERIFY2(near.contains("90.5%"), qPrintable(near));
  const QString far = panel.accuracy_chart()->tooltip_text(5.0);
  QVERIFY2(!far.contains("90.5%"), qPrintable(far));
}

void TestUiCharts::bar_read_out_names_the_task_gradient() {
  moelab::ui::UtilizationBarChart bars;
  bars.set_utilization({0.6f, 0.01f}, {1}, 3);
  QVERIFY(bars.tooltip_text(0).contains("top-k"));
  QVERIFY(!bars.tooltip_text(0).contains("gradient"));  // not measured yet
  bars.set_task_gradient({0.02f, 0.0f});
  QVERIFY2(bars.tooltip_text(0).contains("0.02"), qPrintable(bars.tooltip_text(0)));
  QVERIFY2(bars.tooltip_text(1).contains("No task gradient"), qPrintable(bars.tooltip_text(1)));
  QVERIFY(bars.tooltip_text(1).contains("dormant"));
  bars.clear();
  QVERIFY(bars.tooltip_text(0).isEmpty());
}

void TestUiCharts::export_png_and_svg() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 4);
  panel.add_split(SplitEvent{4, 4 * kStepsPerEpoch, 0, 4});
  panel.set_seed_accuracy(0.5);

  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QString error;
  const QString png = dir.filePath("dashboard.png");
  QVERIFY2(panel.export_png(png, &error), qPrintable(error));
  QImage image(png);
  QVERIFY(!image.isNull());
  QVERIFY(image.width() >= 1600);
  QVERIFY(QFileInfo(png).size() > 10000);
  // A panel that was never shown still exports a laid-out dashboard; keep it for a look.
  const QString shot = QString::fromLocal8Bit(qgetenv("MOELAB_CHARTS_SCREENSHOT"));
  if (!shot.isEmpty()) {
    QFile::remove(shot + ".hidden-export.png");
    QFile::copy(png, shot + ".hidden-export.png");
  }

  const QString svg = dir.filePath("dashboard.svg");
  QVERIFY2(panel.export_svg(svg, &error), qPrintable(error));
  QFile file(svg);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  QVERIFY(bytes.size() > 10000);
  QVERIFY(bytes.contains("<svg"));
  QSvgRenderer renderer(bytes);
  QVERIFY(renderer.isValid());
  QVERIFY(renderer.defaultSize().width() >= 1600);

  // A path that cannot be written gives a sentence, not a crash.
  QVERIFY(!panel.export_png(dir.filePath("missing/dir/x.png"), &error));
  QVERIFY(!error.isEmpty());

  const QImage small = panel.render_image(QSize(900, 600));
  QCOMPARE(small.size(), QSize(900, 600));
}

void TestUiCharts::narrow_panel_uses_two_columns() {
  ChartPanel panel;
  panel.resize(1500, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QVERIFY(panel.wide_layout());
  // The "now" charts sit right of the time charts...
  const QWidget* util = panel.utilization_chart();
  QVERIFY(panel.utilization_bars()->mapTo(&panel, QPoint(0, 0)).x() >
          util->mapTo(&panel, QPoint(util->width(), 0)).x());
  panel.resize(850, 700);
  QTRY_VERIFY(!panel.wide_layout());
  // ...or under them.
  QTRY_VERIFY(panel.utilization_bars()->geometry().top() > panel.loss_chart()->geometry().bottom());
  QVERIFY(panel.loss_chart()->width() > 350);
  // An export as large as a slide gets the wide layout whatever the window does.
  QVERIFY(!panel.render_image(QSize(1600, 900)).isNull());
  QVERIFY(!panel.wide_layout());
}

void TestUiCharts::heatmap_paints_and_looks_up_cells() {
  moelab::ui::RoutingHeatmap map;
  QStringList names;
  for (int c = 0; c < 10; ++c) names << QString("class %1").arg(c);
  map.set_class_names(names);
  std::vector<std::vector<float>> matrix(10, std::vector<float>(5, 0.0f));
  for (int c = 0; c < 10; ++c) {
    for (int e = 0; e < 5; ++e) matrix[c][e] = static_cast<float>((c * 5 + e) / 49.0);
  }
  map.set_matrix(matrix, 7);
  map.set_dormant({2});
  map.resize(500, 400);
  const QPixmap pixels = map.grab();
  QVERIFY(!pixels.isNull());
  QCOMPARE(map.class_count(), 10);
  QCOMPARE(map.expert_count(), 5);
  QCOMPARE(map.value_at(3, 4), static_cast<double>(matrix[3][4]));
  QCOMPARE(map.value_at(9, 0), static_cast<double>(matrix[9][0]));
  QVERIFY(std::isnan(map.value_at(10, 0)));
  QVERIFY(std::isnan(map.value_at(0, 5)));
  QVERIFY(std::isnan(map.value_at(-1, 0)));
  QCOMPARE(map.cell_at(map.cell_rect(3, 4).center()), QPoint(4, 3));
  QCOMPARE(map.cell_at(QPointF(1, 1)), QPoint(-1, -1));
  QVERIFY(map.shows_values());
  // The brightest cell is the highest value (viridis ends in yellow).
  const QImage image = pixels.toImage();
  const QColor low = image.pixelColor(map.cell_rect(0, 0).topLeft().toPoint() + QPoint(2, 2));
  const QColor high = image.pixelColor(map.cell_rect(9, 4).topLeft().toPoint() + QPoint(2, 2));
  QVERIFY(high.lightness() > low.lightness());
  QVERIFY(map.minimumSizeHint().width() > 0 && map.minimumSizeHint().height() > 0);

  // At k = 2 no cell can exceed 50%: the scale tops out there, and a 50% cell takes the top
  // colour that a 100% cell took at k = 1.
  QCOMPARE(map.scale_max(), 1.0);
  std::vector<std::vector<float>> halves(10, std::vector<float>(5, 0.1f));
  halves[0][0] = 0.5f;
  map.set_matrix(halves, 8);
  map.set_top_k(2);
  QCOMPARE(map.scale_max(), 0.5);
  QVERIFY(map.caption().contains(QStringLiteral("top-2")));
  const QColor top_at_k2 =
      map.grab().toImage().pixelColor(map.cell_rect(0, 0).topLeft().toPoint() + QPoint(2, 2));
  QCOMPARE(top_at_k2, high);
  ChartPanel panel;
  RunConfig config;
  config.model.top_k = 1;
  panel.configure(config);
  QCOMPARE(panel.routing_heatmap()->scale_max(), 1.0);
  config.model.top_k = 4;
  panel.configure(config);
  QCOMPARE(panel.routing_heatmap()->scale_max(), 0.25);
}

void TestUiCharts::bars_follow_latest_epoch() {
  ChartPanel panel;
  panel.reset({});
  panel.add_epoch(make_epoch(1, 3));
  panel.add_epoch(make_epoch(2, 5, {4}));
  panel.flush();
  auto* bars = panel.utilization_bars();
  QCOMPARE(bars->bar_count(), 5);
  QCOMPARE(bars->epoch(), 2);
  QCOMPARE(bars->value(0), static_cast<double>(0.4f));
  QVERIFY(bars->is_dormant(4));
  QCOMPARE(bars->dormant_threshold(), 0.05);
  bars->resize(400, 300);
  QVERIFY(!bars->grab().isNull());
  QVERIFY(bars->bar_rect(0).height() > bars->bar_rect(4).height());
}

void TestUiCharts::reset_clears_everything() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 3);
  panel.add_split(SplitEvent{3, 60, 0, 4});
  panel.set_seed_accuracy(0.4);
  panel.set_smoothing(0.8);
  panel.set_x_axis(XAxis::Epoch);
  panel.flush();
  panel.reset({"a", "b"});
  panel.flush();
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 0);
    for (int line = 0; line < chart->line_count(); ++line) QCOMPARE(chart->point_count(line), 0);
  }
  QCOMPARE(panel.utilization_chart()->line_count(), 0);
  QCOMPARE(panel.accuracy_chart()->reference_count(), 0);
  QCOMPARE(panel.series_point_count(), 0);
  QCOMPARE(panel.utilization_bars()->bar_count(), 0);
  QCOMPARE(panel.routing_heatmap()->class_count(), 0);
  // View settings are the user's and survive a new run.
  QCOMPARE(panel.smoothing(), 0.8);
  QCOMPARE(panel.x_axis(), XAxis::Epoch);
}

// A run shaped like a real one (seed phase, three splits, a collapse, a switch change), rendered
// to the file named by MOELAB_CHARTS_SCREENSHOT so a person can look at it.
void TestUiCharts::render_realistic_run() {
  ChartPanel panel;
  panel.resize(1500, 820);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset(digit_names());
  const int steps_per_epoch = 23;
  std::int64_t step = 0;
  double wall = 0;
  int experts = 2;
  std::uint32_t noise_state = 12345;
  auto noise = [&noise_state] {
    noise_state = noise_state * 1664525u + 1013904223u;
    return (static_cast<double>(noise_state >> 8) / 16777216.0) - 0.5;
  };
  for (int epoch = 1; epoch <= 34; ++epoch) {
    const double progress = epoch / 34.0;
    for (int s = 1; s <= steps_per_epoch; ++s) {
      ++step;
      wall += 0.021 + 0.004 * experts;
      if (s % 5 != 0 && s != steps_per_epoch) continue;
      StepMetrics m;
      m.step = step;
      m.epoch = epoch;
      m.wall_seconds = wall;
      const double t = static_cast<double>(step) / (34.0 * steps_per_epoch);
      // The catalog's first term is the task's; the others are regularisers, smaller.
      for (std::size_t i = 0; i < moelab::loss_term_catalog().size(); ++i) {
        const double v = i == 0   ? 0.15 + 2.1 * std::exp(-7.0 * t) + 0.12 * noise()
                         : i == 1 ? (epoch >= 25 ? 0.0 : -0.1) * (0.9 + 0.05 * noise())
                                  : 0.05 * (0.3 + 0.2 * std::exp(-3 * t)) + 0.01 * noise();
        m.loss_terms.push_back(v);
        m.loss_total += v;
      }
      m.usage_entropy =
          std::clamp(0.97 - (epoch >= 25 ? 0.02 * (epoch - 24) : 0.0) + 0.05 * noise(), 0.0, 1.0);
      m.sample_entropy = std::clamp(0.85 - 0.55 * t + 0.06 * noise(), 0.0, 1.0);
      m.train_accuracy = std::clamp(0.97 - 0.85 * std::exp(-7.0 * t) + 0.08 * noise(), 0.0, 1.0);
      panel.add_step(m);
    }
    EpochMetrics e;
    e.epoch = epoch;
    e.step = step;
    wall += 0.15;
    e.wall_seconds = wall;
    e.train_accuracy = std::clamp(0.97 - 0.8 * std::exp(-7.0 * progress), 0.0, 1.0);
    e.val_accuracy = std::clamp(0.94 - 0.8 * std::exp(-7.5 * progress) + 0.01 * noise(), 0.0, 1.0);
    e.experts = experts;
    double entropy = 0, total = 0, peak = 0, squares = 0;
    for (int x = 0; x < experts; ++x) {
      double u = 2.0 / experts * (1.0 + 0.25 * std::sin(x * 1.7 + epoch * 0.3));
      if (x == 2 && epoch >= 27) u = std::max(0.01, 0.3 - 0.06 * (epoch - 26));  // collapses
      u = std::min(1.0, u);
      e.utilization.push_back(static_cast<float>(u));
      if (u < 0.05) e.dormant.push_back(x);
      const double g = u < 0.05 ? 0.0 : 0.02 * u * (1.2 - progress) * (1.0 + 0.1 * noise());
      e.router_task_grad.push_back(static_cast<float>(g));
      squares += g * g;
      total += u;
      peak = std::max(peak, u);
    }
    for (float u : e.utilization) entropy -= u / total * std::log(u / total);
    e.effective_experts = std::exp(entropy);
    e.load_violation = peak / (total / experts) - 1.0;
    e.router_task_grad_norm = std::sqrt(squares);
    for (int c = 0; c < 10; ++c) {
      std::vector<float> row(static_cast<std::size_t>(experts), 0.02f);
      row[static_cast<std::size_t>(c % experts)] = 0.75f;
      row[static_cast<std::size_t>((c * 3 + 1) % experts)] += 0.2f;
      e.routing_matrix.push_back(row);
    }
    panel.add_epoch(e);
    if (epoch == 20) panel.set_seed_accuracy(e.val_accuracy);
    if (epoch == 21 || epoch == 26 || epoch == 31) {
      panel.add_split(SplitEvent{epoch, step, epoch == 26 ? 1 : 0, experts, e.val_accuracy,
                                 e.val_accuracy - 0.004, 0.02});
      ++experts;
    }
    if (epoch == 24) {
      panel.add_switch(SwitchEvent{epoch + 1, step + 1, "entropy_loss", "on", "off"});
    }
  }
  panel.flush();
  QTest::qWait(50);
  const QImage image = panel.grab().toImage();
  QVERIFY(!image.isNull());
  // Not just an image: each visible time chart's curves are in it, in their colours, inside its
  // plot (and the validation curve on the accuracy chart), and the river's bands in theirs.
  const auto pixels_near = [&image](const QRect& area, const QColor& color) {
    int count = 0;
    for (int y = std::max(0, area.top()); y <= std::min(image.height() - 1, area.bottom()); ++y) {
      for (int x = std::max(0, area.left()); x <= std::min(image.width() - 1, area.right()); ++x) {
        const QColor c = image.pixelColor(x, y);
        const int distance = std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                             std::abs(c.blue() - color.blue());
        if (distance < 40) ++count;
      }
    }
    return count;
  };
  for (TimeSeriesChart* chart : panel.time_charts()) {
    if (!chart->isVisible()) continue;
    const QRect plot =
        chart->plot_rect().toRect().translated(chart->viewport()->mapTo(&panel, QPoint(0, 0)));
    int best = 0;
    for (int line = 0; line < chart->line_count(); ++line) {
      best = std::max(best, pixels_near(plot, chart->line_color(line)));
    }
    QVERIFY2(best > 50, qPrintable(chart->title()));
    if (chart == panel.accuracy_chart()) {
      const int validation = chart->find_line(QStringLiteral("validation"));
      QVERIFY(validation >= 0);
      QVERIFY(pixels_near(plot, chart->line_color(validation)) > 50);
    }
  }
  const moelab::ui::ExpertRiver* river = panel.expert_river();
  QVERIFY(river->isVisible());
  const QRect river_plot =
      river->plot_rect().toRect().translated(river->mapTo(&panel, QPoint(0, 0)));
  QVERIFY(pixels_near(river_plot, moelab::ui::ExpertPalette::color(0)) > 500);
  const QString path = QString::fromLocal8Bit(qgetenv("MOELAB_CHARTS_SCREENSHOT"));
  if (!path.isEmpty()) {
    QVERIFY(image.save(path));
    QString error;
    QVERIFY2(panel.export_svg(path + ".svg", &error), qPrintable(error));
    QVERIFY2(panel.export_png(path + ".export.png", &error), qPrintable(error));
    // The SVG read back, to look at what a slide would show.
    QSvgRenderer svg(path + ".svg");
    QImage from_svg(svg.defaultSize(), QImage::Format_ARGB32);
    from_svg.fill(Qt::white);
    QPainter painter(&from_svg);
    svg.render(&painter);
    painter.end();
    QVERIFY(from_svg.save(path + ".svg.png"));
    // A laptop-sized export: what a teacher gets on a 1280 x 720 projector next to the controls.
    QVERIFY(panel.render_image(QSize(960, 600)).save(path + ".small.png"));
    QVERIFY(panel.render_image(QSize(800, 700)).save(path + ".narrow.png"));
    // Twelve experts, two dormant: the legend moves beside the plot, the palette holds.
    ChartPanel twelve;
    twelve.reset(digit_names());
    for (int epoch = 1; epoch <= 6; ++epoch) {
      for (int s = 1; s <= 4; ++s)
        twelve.add_step(make_step((epoch - 1) * kStepsPerEpoch + 5 * s, 12));
      EpochMetrics e = make_epoch(epoch, 12, {3, 7});
      for (int x = 0; x < 12; ++x) {
        if (x != 3 && x != 7) e.utilization[static_cast<std::size_t>(x)] = 0.1f + 0.02f * x;
      }
      twelve.add_epoch(e);
    }
    QVERIFY(twelve.render_image(QSize(1500, 820)).save(path + ".twelve.png"));
    // The same run by epoch, unsmoothed, zoomed into the growth phase.
    panel.set_x_axis(XAxis::Epoch);
    panel.set_smoothing(0.0);
    panel.flush();
    panel.loss_chart()->set_x_range(19.0, 34.5);
    Q_EMIT panel.loss_chart()->x_range_navigated(19.0, 34.5);
    panel.flush();
    QTest::qWait(50);
    QVERIFY(panel.grab().toImage().save(path + ".epoch-zoom.png"));
  }
}

QTEST_MAIN(TestUiCharts)
#include "test_ui_charts.moc"
