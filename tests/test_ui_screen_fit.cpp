// The window on the screens the lab is shown on, offscreen, the real MainWindow: a 1024 x 768
// projector at 100%, and a 1920 x 1080 screen at 150% (1280 x 720 logical pixels).
//
// A window frame and the desktop's panel take part of every screen: this test leaves them
// kFrameWidth px of the width (two 8 px borders) and kFrameHeight px of the height (a 32 px title
// bar and a 48 px task bar). At the size that leaves:
//  - the window's minimum (minimumSizeHint and minimumSize) fits, before the first show and after;
//  - the window takes exactly that size, and the three switches, Start, Pause, Stop and the
//    GO/NO-GO report are on screen whole: each one's rectangle, mapped to each of its ancestors up
//    to the window, lies inside that ancestor, so neither a scroll area, a dock nor the window
//    cuts it, and none is hidden in the toolbar's overflow;
//  - the dashboard reflows to fit without scrolling on a fresh window;
//  - with a run of twelve experts under way, a report with intervals and a preset's explanation
//    in view, every one of those controls is still whole on screen.

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QToolBar>
#include <QtTest>

#include "charts/chart_grid.h"
#include "charts/chart_panel.h"
#include "control_panel.h"
#include "main_window.h"
#include "report_view.h"
#include "run_controls.h"
#include "run_status_bar.h"
#include "switch_button.h"
#include "support/window_fit.h"
#include "support/ui_test_setup.h"

using moelab::ui::MainWindow;

namespace {

constexpr int kFrameWidth = 16;
constexpr int kFrameHeight = 80;

moelab::PhaseReport report_with_intervals() {
  moelab::PhaseReport r;
  r.go = false;
  r.test_accuracy = 0.912;
  r.seed_test_accuracy = 0.934;
  r.test_size = 360;
  r.effective_experts = 2.75;
  r.experts = 12;
  r.split_budget = 5;
  moelab::Criterion accuracy;
  accuracy.name = "accuracy_not_below_seed";
  accuracy.value = -0.022;
  accuracy.detail = "-2.2 points on 360 test samples";
  accuracy.ci95 = std::make_pair(-0.041, -0.004);
  accuracy.p_value = 0.0126;
  r.criteria = {accuracy};
  r.utilization.assign(12, 1.0f / 12.0f);
  return r;
}

// The window in the middle of a lesson: twelve experts, two of them dormant, a report, a preset.
void fill_with_a_lesson(MainWindow& w) {
  moelab::RunConfig config;
  config.training.seed_epochs = 2;
  config.training.growth_epochs = 3;
  w.run_status()->begin(config);
  w.run_status()->set_state(moelab::ui::RunController::State::Running);
  moelab::EpochMetrics m;
  m.epoch = 3;
  m.step = 123456;
  m.wall_seconds = 5000;
  m.samples_per_second = 123456;
  m.effective_experts = 7.5;
  m.load_violation = 12.5;
  m.utilization.assign(12, 1.0f / 12.0f);
  m.router_task_grad.assign(12, 0.001);
  m.dormant = {3, 7};
  w.run_status()->add_epoch(m);
  w.chart_panel()->add_epoch(m);
  w.chart_panel()->flush();
  w.report_view()->set_report(report_with_intervals());
  w.apply_preset(0);
}

}  // namespace

class TestUiScreenFit : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_screen_fit");
  }

  void everyControlFitsTheScreen_data() {
    QTest::addColumn<QSize>("screen");
    QTest::newRow("projector 1024 x 768") << QSize(1024, 768);
    QTest::newRow("1920 x 1080 at 150%") << QSize(1280, 720);
  }

  void everyControlFitsTheScreen() {
    QFETCH(QSize, screen);
    const QSize room = screen - QSize(kFrameWidth, kFrameHeight);
    MainWindow w;
    const auto minimum_fits = [&](const char* when) {
      const QSize hint = w.minimumSizeHint();
      const QSize least = w.minimumSize();
      const QString why = QStringLiteral("%1: minimum size hint %2 x %3, minimum size %4 x %5, room %6 x %7")
                              .arg(QLatin1String(when))
                              .arg(hint.width())
                              .arg(hint.height())
                              .arg(least.width())
                              .arg(least.height())
                              .arg(room.width())
                              .arg(room.height());
      QVERIFY2(hint.width() <= room.width() && hint.height() <= room.height(), qPrintable(why));
      QVERIFY2(least.width() <= room.width() && least.height() <= room.height(), qPrintable(why));
    };
    minimum_fits("before the first show");
    if (QTest::currentTestFailed()) return;

    w.resize(room);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTest::qWait(50);
    minimum_fits("shown");
    if (QTest::currentTestFailed()) return;
    QCOMPARE(w.size(), room);
    for (QWidget* control : key_controls(w)) {
      const QString why = cut_off(control, &w);
      QVERIFY2(why.isEmpty(), qPrintable(why));
    }
    QVERIFY2(!w.chart_panel()->scrolls(),
             qPrintable(QStringLiteral("the dashboard (%1 x %2 needed) scrolls in %3 x %4")
                            .arg(w.chart_panel()->grid()->minimumSizeHint().width())
                            .arg(w.chart_panel()->grid()->minimumSizeHint().height())
                            .arg(w.chart_panel()->grid()->room().width())
                            .arg(w.chart_panel()->grid()->room().height())));

    fill_with_a_lesson(w);
    QTest::qWait(50);
    minimum_fits("in the middle of a lesson");
    QCOMPARE(w.size(), room);
    for (QWidget* control : key_controls(w)) {
      const QString why = cut_off(control, &w);
      QVERIFY2(why.isEmpty(), qPrintable(why));
    }
  }
};

QTEST_MAIN(TestUiScreenFit)
#include "test_ui_screen_fit.moc"
