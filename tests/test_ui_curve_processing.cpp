// The live charts' curve processing: TensorBoard smoothing (EmaSmoother, raw and smoothed kept
// side by side) and min/max decimation (global extremes kept, short curves untouched, incremental
// equal to full). Runs offscreen (QT_QPA_PLATFORM=offscreen).
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

#include "support/chart_test_feed.h"

using moelab::EpochMetrics;
using moelab::RunConfig;
using moelab::SplitEvent;
using moelab::StepMetrics;
using moelab::SwitchEvent;
using moelab::ui::ChartPanel;
using moelab::ui::TimeSeriesChart;
using moelab::ui::XAxis;

using namespace chart_test;

class TestUiCurveProcessing : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void ema_of_constant_is_constant_data();
  void ema_of_constant_is_constant();
  void ema_matches_hand_computed_values();
  void chart_smoothing_keeps_raw_and_smoothed();
  void decimation_keeps_global_extremes();
  void decimation_leaves_short_curves_alone();
  void incremental_decimation_matches_full();
};

void TestUiCurveProcessing::ema_of_constant_is_constant_data() {
  QTest::addColumn<double>("weight");
  QTest::addColumn<double>("value");
  QTest::newRow("w=0") << 0.0 << 3.5;
  QTest::newRow("w=0.6") << 0.6 << 3.5;
  QTest::newRow("w=0.99") << 0.99 << -0.25;
  QTest::newRow("w=0.9 zero") << 0.9 << 0.0;
}

void TestUiCurveProcessing::ema_of_constant_is_constant() {
  QFETCH(double, weight);
  QFETCH(double, value);
  moelab::ui::EmaSmoother ema(weight);
  for (int i = 0; i < 200; ++i) QVERIFY(std::abs(ema.push(value) - value) < 1e-12);
}

void TestUiCurveProcessing::ema_matches_hand_computed_values() {
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

void TestUiCurveProcessing::chart_smoothing_keeps_raw_and_smoothed() {
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

void TestUiCurveProcessing::decimation_keeps_global_extremes() {
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

void TestUiCurveProcessing::decimation_leaves_short_curves_alone() {
  const QVector<QPointF> points = {{0, 1}, {1, 3}, {2, 2}};
  const QList<QPointF> out =
      moelab::ui::decimate_min_max(points.constData(), points.size(), 0.0, 2.0, 500);
  QCOMPARE(out, QList<QPointF>(points.begin(), points.end()));
  QVERIFY(moelab::ui::decimate_min_max(points.constData(), 0, 0.0, 1.0, 10).isEmpty());
}

void TestUiCurveProcessing::incremental_decimation_matches_full() {
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

QTEST_MAIN(TestUiCurveProcessing)
#include "test_ui_curve_processing.moc"
