// Lesson mode in a real window with real runs: Run > Breakpoints lists the core's breakpoints and
// remembers them; a breakpoint pauses the run right after the epoch that fired it (no later epoch
// arrives while the caption is up), the caption says what happened, Play on resumes to the end;
// breakpoints that are off never pause; a switch flipped by hand pauses at its step; a teaching
// preset starts at the lesson's pace unless a pace was chosen. Runs offscreen.

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "ablation/preset.h"
#include "control_panel.h"
#include "discard_question.h"
#include "lesson/breakpoint_banner.h"
#include "lesson/lesson_controls.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_controls.h"
#include "support/ui_test_setup.h"
#include "switch_button.h"

using moelab::BreakpointHit;
using moelab::BreakpointKind;
using moelab::BreakpointSettings;
using moelab::EpochMetrics;
using moelab::ui::LessonControls;
using moelab::ui::MainWindow;
using State = moelab::ui::RunController::State;

namespace {

constexpr int kRunTimeoutMs = 60000;

BreakpointSettings only(BreakpointKind kind) {
  BreakpointSettings s;
  s.set(kind, true);
  return s;
}

// The collapse, short: all three fixes off, the default 20 seed epochs (the plateau rule splits
// only after a plateau) and four growth epochs, which split after epochs 21 and 23 and leave an
// expert dormant (about a second and a half).
moelab::RunConfig growing_config() {
  moelab::RunConfig c = tiny_config();
  c.training.seed_epochs = 20;
  c.training.growth_epochs = 4;
  c.fixes.projection_fix = false;
  c.fixes.cooldown = false;
  c.fixes.entropy_loss = false;
  return c;
}

}  // namespace

class TestUiLesson : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_lesson");
    QSettings().setValue(moelab::ui::DiscardQuestion::kSettingsKey, false);
    QVERIFY(runs_.isValid());
    keep_runs_in(runs_);
  }

  void breakpointsMenuComesFromTheCatalogAndIsRemembered() {
    {
      MainWindow w;
      QMenu* breakpoints = nullptr;
      for (QMenu* menu : w.menuBar()->findChildren<QMenu*>()) {
        if (menu->title() == QStringLiteral("&Breakpoints")) breakpoints = menu;
      }
      QVERIFY(breakpoints);
      int checkable = 0;
      for (QAction* a : breakpoints->actions()) checkable += a->isCheckable() ? 1 : 0;
      QCOMPARE(checkable, static_cast<int>(moelab::breakpoint_catalog().size()));
      QAction* first_split = w.lesson_controls()->action(BreakpointKind::FirstSplit);
      QCOMPARE(first_split->text(), QStringLiteral("The first split"));
      QVERIFY(!first_split->isChecked());
      first_split->trigger();
      QVERIFY(w.controller()->breakpoints().enabled(BreakpointKind::FirstSplit));
      QVERIFY(!w.controller()->breakpoints().enabled(BreakpointKind::SwitchFlip));
      BreakpointSettings bad = w.lesson_controls()->settings();
      bad.entropy_threshold = 1.5;
      QVERIFY(!w.lesson_controls()->set_settings(bad));
    }
    MainWindow again;
    QVERIFY(again.lesson_controls()->action(BreakpointKind::FirstSplit)->isChecked());
    QVERIFY(again.controller()->breakpoints().enabled(BreakpointKind::FirstSplit));
    again.lesson_controls()->set_settings(BreakpointSettings{});
  }

  void firstSplitPausesRightAfterItsEpochAndPlaysOn() {
    MainWindow w;
    w.show();
    w.lesson_controls()->set_settings(only(BreakpointKind::FirstSplit));
    const moelab::RunConfig config = growing_config();
    w.control_panel()->set_config(config);
    auto* c = w.controller();
    QSignalSpy hits(c, &moelab::ui::RunController::breakpointHit);
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    QSignalSpy splits(c, &moelab::ui::RunController::splitReported);
    QSignalSpy ended(&w, &MainWindow::runEnded);
    w.start_run();
    QTRY_COMPARE_WITH_TIMEOUT(hits.count(), 1, kRunTimeoutMs);
    const auto hit = hits.front().front().value<BreakpointHit>();
    QVERIFY(hit.kind == BreakpointKind::FirstSplit);
    QCOMPARE(c->state(), State::Paused);
    QVERIFY(w.breakpoint_banner()->isVisible());
    QVERIFY2(w.breakpoint_banner()->caption().contains(QStringLiteral("the first split")),
             qPrintable(w.breakpoint_banner()->caption()));
    QCOMPARE(splits.count(), 1);
    QCOMPARE(splits.front().front().value<moelab::SplitEvent>().epoch, hit.epoch);
    // Held: the epoch that split is the last one reported, however long the class looks.
    QTest::qWait(1500);
    QCOMPARE(epochs.back().front().value<EpochMetrics>().epoch, hit.epoch);
    QCOMPARE(splits.count(), 1);
    QCOMPARE(c->state(), State::Paused);

    w.breakpoint_banner()->play_on_button()->click();
    QCOMPARE(c->state(), State::Running);
    QVERIFY(!w.breakpoint_banner()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kRunTimeoutMs);
    QCOMPARE(hits.count(), 1);  // later splits are not the first
    QVERIFY(splits.count() > 1);
    QCOMPARE(epochs.back().front().value<EpochMetrics>().epoch,
             config.training.seed_epochs + config.training.growth_epochs);
    w.lesson_controls()->set_settings(BreakpointSettings{});
  }

  void breakpointsThatAreOffNeverPause() {
    MainWindow w;
    w.lesson_controls()->set_settings(BreakpointSettings{});
    w.control_panel()->set_config(growing_config());
    QSignalSpy hits(w.controller(), &moelab::ui::RunController::breakpointHit);
    QSignalSpy ended(&w, &MainWindow::runEnded);
    w.start_run();
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kRunTimeoutMs);
    QCOMPARE(hits.count(), 0);
    QCOMPARE(w.controller()->state(), State::Finished);
  }

  void aSwitchFlippedByHandPauses() {
    MainWindow w;
    w.show();
    w.lesson_controls()->set_settings(only(BreakpointKind::SwitchFlip));
    w.control_panel()->set_config(long_config());
    auto* c = w.controller();
    QSignalSpy steps(c, &moelab::ui::RunController::stepsReported);
    QSignalSpy switches(c, &moelab::ui::RunController::switchReported);
    QSignalSpy hits(c, &moelab::ui::RunController::breakpointHit);
    w.start_run();
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 1, kRunTimeoutMs);
    w.control_panel()->entropy_switch()->click();
    QTRY_COMPARE_WITH_TIMEOUT(hits.count(), 1, kRunTimeoutMs);
    const auto hit = hits.front().front().value<BreakpointHit>();
    QVERIFY(hit.kind == BreakpointKind::SwitchFlip);
    QVERIFY2(w.breakpoint_banner()->caption().contains(QStringLiteral("Load balancing off")),
             qPrintable(w.breakpoint_banner()->caption()));
    QCOMPARE(switches.count(), 1);
    QCOMPARE(c->state(), State::Paused);
    c->stop();
    QTRY_VERIFY_WITH_TIMEOUT(c->state() == State::Stopped, kRunTimeoutMs);
    QVERIFY(!w.breakpoint_banner()->isVisible());
    w.lesson_controls()->set_settings(BreakpointSettings{});
  }

  void teachingPresetsStartAtTheLessonPace() {
    MainWindow w;
    w.run_controls()->set_step_delay_ms(0);
    w.apply_preset(0);
    QCOMPARE(w.run_controls()->step_delay_ms(), LessonControls::kLessonPaceMs);
    w.run_controls()->set_step_delay_ms(120);
    w.apply_preset(1);
    QCOMPARE(w.run_controls()->step_delay_ms(), 120);
    w.run_controls()->set_step_delay_ms(0);
  }

 private:
  QTemporaryDir runs_;
};

QTEST_MAIN(TestUiLesson)
#include "test_ui_lesson.moc"
