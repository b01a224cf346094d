// The growth phase in focus: while the seed phase trains the charts show the whole run; once the
// growth phase starts, every time chart and the river start kFocusSeedEpochs seed epochs before
// it, on every x axis; the view button's "Show all" shows the whole run, its "Focus growth" the
// growth again.
// Runs offscreen (QT_QPA_PLATFORM=offscreen).

#include <QApplication>
#include <QPushButton>
#include <QtTest>

#include "charts/chart_panel.h"
#include "charts/expert_river.h"
#include "charts/time_series_chart.h"

using moelab::EpochMetrics;
using moelab::Phase;
using moelab::StepMetrics;
using moelab::ui::ChartPanel;
using moelab::ui::TimeSeriesChart;
using moelab::ui::XAxis;

namespace {

constexpr int kStepsPerEpoch = 10;
constexpr int kSeedEpochs = 20;

// Epochs first..last as the trainer reports them (two step reports, then the epoch); epochs after
// kSeedEpochs are the growth phase.
void feed(ChartPanel& panel, int first, int last) {
  for (int epoch = first; epoch <= last; ++epoch) {
    const Phase phase = epoch > kSeedEpochs ? Phase::Growth : Phase::Seed;
    for (int half = 1; half <= 2; ++half) {
      StepMetrics s;
      s.step = (epoch - 1) * kStepsPerEpoch + half * kStepsPerEpoch / 2;
      s.epoch = epoch;
      s.phase = phase;
      s.wall_seconds = 0.01 * static_cast<double>(s.step);
      s.train_accuracy = 0.5;
      s.slot_share = {0.5f, 0.5f};
      panel.add_step(s);
    }
    EpochMetrics m;
    m.epoch = epoch;
    m.phase = phase;
    m.step = static_cast<std::int64_t>(epoch) * kStepsPerEpoch;
    m.wall_seconds = 0.01 * static_cast<double>(m.step);
    m.val_accuracy = 0.5;
    m.experts = 2;
    m.utilization = {0.5f, 0.5f};
    m.router_task_grad = {0.1f, 0.1f};
    m.routing_matrix.assign(10, std::vector<float>{0.5f, 0.5f});
    panel.add_epoch(m);
  }
}

}  // namespace

class TestUiGrowthFocus : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void growthPhaseTakesTheAxisOnceItStarts();
  void focusFollowsTheXAxisAndANewRun();
};

void TestUiGrowthFocus::growthPhaseTakesTheAxisOnceItStarts() {
  ChartPanel panel;
  panel.resize(1200, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset({});
  feed(panel, 1, kSeedEpochs);
  panel.flush();
  QVERIFY(!panel.focusing_growth());
  for (const TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->x_min(), 0.0);

  feed(panel, kSeedEpochs + 1, kSeedEpochs + 3);
  panel.flush();
  QVERIFY(panel.focusing_growth());
  // The last two seed epochs stay in view: the view starts at the end of epoch 18 (step 180).
  const double start = (kSeedEpochs - ChartPanel::kFocusSeedEpochs) * kStepsPerEpoch;
  for (const TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->x_min(), start);
    QVERIFY(chart->x_max() >= (kSeedEpochs + 3) * kStepsPerEpoch);
  }
  QCOMPARE(panel.expert_river()->x_range().first, start);

  // One click shows all: the whole run, and the button then offers the focus back.
  QPushButton* button = panel.view_button();
  QCOMPARE(button->text(), QStringLiteral("Show all"));
  button->click();
  panel.flush();
  QVERIFY(!panel.growth_focus());
  for (const TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->x_min(), 0.0);
  QCOMPARE(panel.expert_river()->x_range().first, 0.0);
  QCOMPARE(button->text(), QStringLiteral("Focus growth"));
  button->click();
  panel.flush();
  QVERIFY(panel.focusing_growth());
  for (const TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->x_min(), start);
  QCOMPARE(button->text(), QStringLiteral("Show all"));

  // Zoomed with the focus off: "Show all" resets the zoom to the whole run.
  button->click();
  panel.accuracy_chart()->set_x_range(5, 15);
  panel.set_follow(false);
  QCOMPARE(button->text(), QStringLiteral("Show all"));
  button->click();
  panel.flush();
  QVERIFY(panel.follows());
  QVERIFY(!panel.growth_focus());
  for (const TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->x_min(), 0.0);
  QCOMPARE(button->text(), QStringLiteral("Focus growth"));
  panel.set_growth_focus(true);
}

void TestUiGrowthFocus::focusFollowsTheXAxisAndANewRun() {
  ChartPanel panel;
  panel.resize(1200, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset({});
  feed(panel, 1, kSeedEpochs + 2);
  panel.set_x_axis(XAxis::Epoch);
  panel.flush();
  for (const TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->x_min(), double(kSeedEpochs - ChartPanel::kFocusSeedEpochs));
  }
  // A new run starts with the whole axis again, until its own growth phase.
  panel.reset({});
  feed(panel, 1, 5);
  panel.flush();
  QVERIFY(!panel.focusing_growth());
  for (const TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->x_min(), 0.0);
  // A run with no more seed epochs than the focus keeps: nothing to leave out, the river edge to
  // edge as without growth.
  panel.reset({});
  feed(panel, kSeedEpochs - 1, kSeedEpochs + 1);
  panel.flush();
  QVERIFY(!panel.focusing_growth());
  for (const TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->x_min(), 0.0);
  QCOMPARE(panel.expert_river()->x_range().first, 0.0);
}

QTEST_MAIN(TestUiGrowthFocus)
#include "test_ui_growth_focus.moc"
