// The window end to end, offscreen: a run started from the window reaches the charts, the run
// controls do what they say, a switch flipped mid-run reaches the trainer, stop/reset/close are
// safe at any instant, late signals of a dropped run never reach the next one, and the report
// view shows what the verdict rests on (intervals, p values, test accuracies, the split budget,
// a divergence). Experiment files and the `moelab` program's options: test_ui_window_files.

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QImage>
#include <QMessageBox>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <memory>

#include "charts/chart_panel.h"
#include "config/config_json.h"
#include "control_panel.h"
#include "discard_question.h"
#include "main_window.h"
#include "number_spin_box.h"
#include "report_view.h"
#include "run_controller.h"
#include "run_controls.h"
#include "run_status_bar.h"
#include "support/main_window_setup.h"
#include "support/ui_test_setup.h"
#include "switch_button.h"

using moelab::EpochMetrics;
using moelab::RunConfig;
using moelab::StepMetrics;
using moelab::SwitchEvent;
using moelab::ui::MainWindow;
using State = moelab::ui::RunController::State;

namespace {

constexpr int kRunTimeoutMs = 30000;
// Stop and reset only ask; generous, so that a loaded machine never fails the test.
constexpr int kNonBlockingMs = 500;

// Every step report a spy on RunController::stepsReported saw, batches flattened in order.
std::vector<StepMetrics> steps_of(const QSignalSpy& spy) {
  std::vector<StepMetrics> all;
  for (const auto& call : spy) {
    const auto batch = call.at(0).value<std::vector<StepMetrics>>();
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

// After a pause, an epoch that ended just before it may still be on its way. Waits until `spy`
// has not grown for `quiet_ms` (at most ten seconds) and returns its count.
int settle(QSignalSpy& spy, int quiet_ms = 400) {
  QElapsedTimer total;
  total.start();
  int count = spy.count();
  QElapsedTimer quiet;
  quiet.start();
  while (quiet.elapsed() < quiet_ms && total.elapsed() < 10000) {
    QTest::qWait(20);
    if (spy.count() != count) {
      count = spy.count();
      quiet.restart();
    }
  }
  return count;
}

// Accepts the next modal message box and hands back its text.
void accept_next_message_box(QString* text) {
  auto* timer = new QTimer;
  timer->setInterval(10);
  QObject::connect(timer, &QTimer::timeout, timer, [timer, text] {
    if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
      *text = box->text();
      box->accept();
      timer->deleteLater();
    }
  });
  timer->start();
}

// A NO-GO report with everything the view shows: a diverged run, a paired test with its
// interval, splits, four experts.
moelab::PhaseReport report_with_statistics() {
  moelab::PhaseReport r;
  r.go = false;
  r.test_accuracy = 0.912;
  r.seed_test_accuracy = 0.934;
  r.test_size = 360;
  r.effective_experts = 2.75;
  r.experts = 4;
  r.load_violation = 0.62;
  r.split_budget = 5;
  r.splits = {moelab::SplitEvent{21, 420, 0, 3, 0.95, 0.93, 0.041},
              moelab::SplitEvent{26, 520, 1, 4, 0.94, 0.94, 0.0}};
  r.diverged = "the loss was not finite at step 800";
  moelab::Criterion accuracy;
  accuracy.name = "accuracy_not_below_seed";
  accuracy.passed = false;
  accuracy.value = -0.022;
  accuracy.detail = "-2.2 points on 360 test samples";
  accuracy.ci95 = std::make_pair(-0.041, -0.004);
  accuracy.p_value = 0.0126;
  moelab::Criterion dormant;
  dormant.name = "no_dormant_experts";
  dormant.passed = true;
  dormant.detail = "0 dormant";
  r.criteria = {accuracy, dormant};
  r.utilization = {0.9f, 0.5f, 0.3f, 0.3f};
  return r;
}

}  // namespace

class TestUiWindow : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_window");
    QVERIFY(temp_.isValid());
    keep_runs_in(temp_);
    // These tests start, stop and reset runs by the dozen, as a user who ticked "Don't ask
    // again"; the question itself is test_ui_coherence's.
    QSettings().setValue(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey), false);
  }

  void runDeliversSignalsToCharts() {
    auto w = window_with(tiny_config());
    auto* c = w->controller();
    QSignalSpy loaded(c, &moelab::ui::RunController::dataLoaded);
    QSignalSpy steps(c, &moelab::ui::RunController::stepsReported);
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    QSignalSpy reports(c, &moelab::ui::RunController::phaseReport);
    QSignalSpy finished(c, &moelab::ui::RunController::finished);
    QSignalSpy ended(w.get(), &MainWindow::runEnded);
    w->run_controls()->start_action()->trigger();
    QCOMPARE(c->state(), State::Running);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QCOMPARE(c->state(), State::Finished);
    QCOMPARE(loaded.count(), 1);
    QVERIFY(steps_of(steps).size() >= 5);
    QCOMPARE(epochs.count(), 5);
    for (int i = 0; i < epochs.count(); ++i) {
      QCOMPARE(epochs.at(i).at(0).value<EpochMetrics>().epoch, i + 1);
    }
    QCOMPARE(reports.count(), 1);
    QCOMPARE(ended.count(), 1);
    QCOMPARE(ended.at(0).at(0).toBool(), true);
    // The report reached its view, the status bar counted the epochs, the result is exportable.
    const bool go = reports.at(0).at(0).value<moelab::PhaseReport>().go;
    QCOMPARE(w->report_view()->banner_text(), go ? QStringLiteral("GO") : QStringLiteral("NO-GO"));
    QVERIFY(w->report_view()->markdown().contains(QStringLiteral("GO")));
    QCOMPARE(w->run_status()->epoch(), 5);
    QVERIFY(c->result().has_value());
    QCOMPARE(static_cast<int>(c->result()->epochs.size()), 5);
    // The chart panel got the run, and can export it.
    auto* charts = w->chart_panel();
    charts->flush();
    QVERIFY(charts->series_point_count() > 0);
    const QString png = temp_.filePath(QStringLiteral("charts.png"));
    QString error;
    // Above the charts the export says what they show: the switches and the verdict.
    QVERIFY2(charts->export_details().contains(QStringLiteral("Load balancing on")),
             qPrintable(charts->export_details()));
    QVERIFY2(charts->export_details().contains(QStringLiteral("GO: test ")),
             qPrintable(charts->export_details()));
    QVERIFY(charts->export_title().startsWith(QStringLiteral("MoE Growth Lab")));
    QVERIFY2(charts->export_png(png, &error), qPrintable(error));
    QVERIFY(!QImage(png).isNull());
    const QImage with_caption = charts->render_image(QSize(900, 600));
    QVERIFY(with_caption.height() > 600);
    QCOMPARE(with_caption.width(), 900);
    const QString csv = temp_.filePath(QStringLiteral("metrics.csv"));
    QVERIFY2(w->export_metrics_csv(csv, &error), qPrintable(error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 6);  // header + 5 epochs
    // Beside it, every step report the window received, and the events.
    QFile steps_file(temp_.filePath(QStringLiteral("metrics-steps.csv")));
    QVERIFY(steps_file.open(QIODevice::ReadOnly));
    const QList<QByteArray> step_rows = steps_file.readAll().trimmed().split('\n');
    QVERIFY(step_rows.front().startsWith("step,epoch,phase,wall_seconds,loss_total,"));
    QVERIFY(step_rows.size() > 6);
    const qint64 last_step = step_rows.back().split(',').front().toLongLong();
    QVERIFY(last_step > 0 && last_step <= c->result()->epochs.back().step);
    QFile events(temp_.filePath(QStringLiteral("metrics-events.csv")));
    QVERIFY(events.open(QIODevice::ReadOnly));
    QVERIFY(events.readAll().startsWith("kind,epoch,step,"));
  }

  void divergedRunEndsEarlyWithANoGoReport() {
    auto config = tiny_config();
    config.training.learning_rate = 10.0;
    auto w = window_with(config);
    auto* c = w->controller();
    QSignalSpy finished(c, &moelab::ui::RunController::finished);
    w->run_controls()->start_action()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QVERIFY(c->result().has_value());
    QVERIFY(!c->result()->diverged.empty());
    QCOMPARE(w->report_view()->banner_text(), QStringLiteral("NO-GO"));
    QVERIFY(w->report_view()->shown_markdown().contains(QStringLiteral("diverged")));
    const int total = config.training.seed_epochs + config.training.growth_epochs;
    QCOMPARE(w->run_status()->progress_text(),
             QStringLiteral("Ended after epoch %1 / %2").arg(w->run_status()->epoch()).arg(total));
  }

  void pauseStopsEpochsAndResumeContinues() {
    auto w = window_with(long_config());
    auto* c = w->controller();
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    w->start_run();
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    w->run_controls()->pause_action()->trigger();
    QCOMPARE(c->state(), State::Paused);
    QCOMPARE(w->run_controls()->pause_action()->text(), QStringLiteral("Resume"));
    const int paused_at = settle(epochs);
    QTest::qWait(800);
    QCOMPARE(epochs.count(), paused_at);
    w->run_controls()->pause_action()->trigger();  // Resume
    QCOMPARE(c->state(), State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() > paused_at, kRunTimeoutMs);
  }

  void stepTrainsExactlyOneEpoch() {
    auto w = window_with(long_config());
    auto* c = w->controller();
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    w->start_run();
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    c->pause();
    settle(epochs);
    for (int round = 1; round <= 2; ++round) {
      const int before = epochs.count();
      w->run_controls()->step_action()->trigger();
      QTRY_COMPARE_WITH_TIMEOUT(epochs.count(), before + 1, kRunTimeoutMs);
      QTest::qWait(500);
      QCOMPARE(epochs.count(), before + 1);
      QCOMPARE(c->state(), State::Paused);
    }
  }

  void stepFromIdleStartsPausedRun() {
    auto w = window_with(long_config());
    QSignalSpy epochs(w->controller(), &moelab::ui::RunController::epochReported);
    w->run_controls()->step_action()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(epochs.count(), 1, kRunTimeoutMs);
    QTest::qWait(500);
    QCOMPARE(epochs.count(), 1);
    QCOMPARE(w->controller()->state(), State::Paused);
  }

  void keyboardShortcutsDriveTheRun() {
    auto w = window_with(long_config());
    w->show();
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    w->control_panel()->entropy_switch()->setFocus();  // Space must not flip a focused switch
    auto* c = w->controller();
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(c->state(), State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
    QCOMPARE(c->state(), State::Paused);
    QVERIFY(w->control_panel()->entropy_switch()->isChecked());
    const int before = settle(epochs);
    QTest::keyClick(w.get(), Qt::Key_N);
    QTRY_COMPARE_WITH_TIMEOUT(epochs.count(), before + 1, kRunTimeoutMs);
    QTest::keyClick(w.get(), Qt::Key_Space);
    QCOMPARE(c->state(), State::Running);
    QTest::keyClick(w.get(), Qt::Key_Period, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(c->state(), State::Stopped, kRunTimeoutMs);
  }

  void switchMidRunReachesTrainer() {
    auto w = window_with(long_config());
    auto* c = w->controller();
    QSignalSpy steps(c, &moelab::ui::RunController::stepsReported);
    QSignalSpy switches(c, &moelab::ui::RunController::switchReported);
    QSignalSpy finished(c, &moelab::ui::RunController::finished);
    w->start_run();
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 1, kRunTimeoutMs);
    QVERIFY(w->control_panel()->entropy_switch()->isEnabled());  // fixes stay live in a run
    w->control_panel()->entropy_switch()->click();
    QTRY_COMPARE_WITH_TIMEOUT(switches.count(), 1, kRunTimeoutMs);
    const auto event = switches.at(0).at(0).value<SwitchEvent>();
    QCOMPARE(QString::fromStdString(event.name), QStringLiteral("entropy_loss"));
    QCOMPARE(QString::fromStdString(event.from), QStringLiteral("on"));
    QCOMPARE(QString::fromStdString(event.to), QStringLiteral("off"));
    QVERIFY(event.step >= 1);
    w->run_controls()->stop_action()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    const auto& result = *c->result();
    QVERIFY(result.stopped);
    QCOMPARE(static_cast<int>(result.switches.size()), 1);
    QCOMPARE(result.final_fixes.entropy_loss, false);  // the trainer ran with the switch off
    // ... and the run's config records the flip in its schedule, at the step it took effect.
    QCOMPARE(result.config.fixes.entropy_loss, true);
    QCOMPARE(static_cast<int>(result.config.schedule.size()), 1);
    QCOMPARE(result.config.schedule[0].step.value_or(-1), event.step);
  }

  void settingsLockedDuringRunFixesLive() {
    auto w = window_with(long_config());
    auto* panel = w->control_panel();
    w->start_run();
    QVERIFY(panel->projection_switch()->isEnabled());
    QVERIFY(panel->cooldown_switch()->isEnabled());
    int locked = 0;
    for (auto* box : panel->findChildren<QGroupBox*>()) locked += box->isEnabled() ? 0 : 1;
    QCOMPARE(locked, 4);  // data, model, training, growth
    w->controller()->reset();
    for (auto* box : panel->findChildren<QGroupBox*>()) QVERIFY(box->isEnabled());
  }

  void stopAndResetAtRandomInstants() {
    QRandomGenerator rng(20240611);
    auto w = window_with(long_config());
    auto* c = w->controller();
    for (int i = 0; i < 24; ++i) {
      w->start_run();
      QTest::qWait(static_cast<int>(rng.bounded(0, 150)));
      QElapsedTimer timer;
      timer.start();
      switch (rng.bounded(3)) {
        case 0:
          w->run_controls()->stop_action()->trigger();
          QVERIFY2(timer.elapsed() < kNonBlockingMs, "Stop blocked the GUI thread");
          QTRY_VERIFY_WITH_TIMEOUT(c->state() == State::Stopped || c->state() == State::Finished,
                                   10000);
          break;
        case 1:
          w->run_controls()->reset_action()->trigger();
          QVERIFY2(timer.elapsed() < kNonBlockingMs, "Reset blocked the GUI thread");
          QCOMPARE(c->state(), State::Idle);
          break;
        default:
          c->pause();
          QTest::qWait(static_cast<int>(rng.bounded(0, 50)));
          c->stop();
          QVERIFY2(timer.elapsed() < kNonBlockingMs + 50,
                   "Stop while paused blocked the GUI thread");
          QTRY_COMPARE_WITH_TIMEOUT(c->state(), State::Stopped, 10000);
          break;
      }
    }
    // Every dropped run winds down on its own, nobody waiting for it.
    QTRY_COMPARE_WITH_TIMEOUT(c->live_threads(), 0, 10000);
  }

  void closeAtRandomInstants() {
    QRandomGenerator rng(77);
    RunConfig big = long_config();
    big.model.hidden = 256;  // longer steps: more chances to land inside one
    big.model.expert_hidden = 256;
    for (int i = 0; i < 20; ++i) {
      auto w = window_with(big);
      w->show();
      w->start_run();
      QTest::qWait(static_cast<int>(rng.bounded(0, 200)));
      if (rng.bounded(2) == 0) w->controller()->pause();
      QElapsedTimer timer;
      timer.start();
      w->close();
      w.reset();
      QVERIFY2(timer.elapsed() < 3000, "closing the window mid-run took too long");
    }
  }

  void destroyMidRunReturnsPromptly() {
    auto w = window_with(long_config());
    QSignalSpy epochs(w->controller(), &moelab::ui::RunController::epochReported);
    w->start_run();
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    QElapsedTimer timer;
    timer.start();
    w.reset();
    QVERIFY2(timer.elapsed() < 2000, "destroying the window mid-run took too long");
  }

  void lateSignalsNeverReachTheNextRun() {
    auto w = window_with(long_config());
    auto* c = w->controller();
    QSignalSpy steps(c, &moelab::ui::RunController::stepsReported);
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    for (int round = 0; round < 4; ++round) {
      w->start_run();
      QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 2, kRunTimeoutMs);
      // Signals of this run are queued right now; drop it and start over at once.
      if (round % 2 == 0) {
        w->run_controls()->reset_action()->trigger();
      } else {
        c->stop();
      }
      steps.clear();
      epochs.clear();
      w->start_run();
      QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 2, kRunTimeoutMs);
      for (int i = 0; i < epochs.count(); ++i) {
        QCOMPARE(epochs.at(i).at(0).value<EpochMetrics>().epoch, i + 1);
      }
      const auto reported = steps_of(steps);
      QVERIFY(reported.at(0).step <= 5);  // log_interval
      for (std::size_t i = 1; i < reported.size(); ++i) {
        QVERIFY(reported[i].step > reported[i - 1].step);
      }
      c->reset();
      steps.clear();
      epochs.clear();
    }
    // After a reset, whatever the dropped run still sends never reaches the charts.
    w->start_run();
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    w->run_controls()->reset_action()->trigger();
    QTest::qWait(500);
    w->chart_panel()->flush();
    QCOMPARE(w->chart_panel()->series_point_count(), 0);
    QCOMPARE(w->run_status()->epoch(), 0);
  }

  void failedRunReportsOneSentence() {
    RunConfig bad = tiny_config();
    bad.data.kind = moelab::DatasetKind::Idx;
    bad.data.idx_dir = temp_.filePath(QStringLiteral("no-such-folder")).toStdString();
    auto w = window_with(bad);
    QSignalSpy failed(w->controller(), &moelab::ui::RunController::failed);
    QSignalSpy ended(w.get(), &MainWindow::runEnded);
    w->start_run();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kRunTimeoutMs);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY(!message.isEmpty());
    QVERIFY(!message.contains(QLatin1Char('\n')));
    QVERIFY(message.endsWith(QLatin1Char('.')));
    QCOMPARE(w->controller()->state(), State::Failed);
    QCOMPARE(w->report_view()->banner_text(), QStringLiteral("Run failed"));
    QCOMPARE(ended.count(), 1);
    QCOMPARE(ended.at(0).at(0).toBool(), false);
    QTRY_COMPARE_WITH_TIMEOUT(w->controller()->live_threads(), 0, 10000);
  }

  void reportViewShowsWhatTheVerdictRestsOn() {
    const moelab::PhaseReport r = report_with_statistics();
    moelab::ui::ReportView view;
    view.set_report(r);
    const QString md = view.shown_markdown();
    QCOMPARE(view.banner_text(), QStringLiteral("NO-GO"));
    QVERIFY2(md.contains(QStringLiteral("95% interval [-0.041, -0.004]; p 0.013 |")),
             qPrintable(md));
    QVERIFY2(md.contains(QStringLiteral("0.013")), qPrintable(md));  // p, three decimals
    QVERIFY(md.contains(QStringLiteral("91.2%")) && md.contains(QStringLiteral("93.4%")));
    QVERIFY(md.contains(QStringLiteral("360")));
    QVERIFY(md.contains(QStringLiteral("2.75")));
    QVERIFY(md.contains(QStringLiteral("0.62")));
    QVERIFY2(md.contains(QStringLiteral("2 splits of a budget of 5")), qPrintable(md));
    QVERIFY(md.contains(QString::fromStdString(r.diverged)));
    QVERIFY(md.contains(QStringLiteral("4.1%")));  // the first split's changed predictions
    QVERIFY(md.contains(QStringLiteral("Share of samples (top-k)")));
    // The interval and the p value share the Measured cell; a criterion without them shows
    // neither, not a made-up number.
    QVERIFY2(md.contains(QStringLiteral("| 0 dormant |\n")), qPrintable(md));
    // What Save writes is still the core's report.
    QCOMPARE(view.markdown(), QString::fromStdString(moelab::to_markdown(r)));
  }

  void aboutNamesTheDataSources() {
    MainWindow w;
    QString shown;
    accept_next_message_box(&shown);
    w.show_about();
    QVERIFY2(shown.contains(QStringLiteral("Alpaydin")), qPrintable(shown));  // digits, UCI
    QVERIFY(shown.contains(QStringLiteral("CC BY 4.0")));
    QVERIFY(shown.contains(QStringLiteral("Fashion-MNIST")));
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiWindow)
#include "test_ui_window.moc"
