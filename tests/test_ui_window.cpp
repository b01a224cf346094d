// The window end to end, offscreen: a run started from the window reaches the charts, the run
// controls do what they say, a switch flipped mid-run reaches the trainer, stop/reset/close are
// safe at any instant, late signals of a dropped run never reach the next one, and the `moelab`
// binary's scripted mode (--config, --autostart, --screenshot, --quit) works and fails cleanly;
// the control panel round-trips the science settings and the report view shows what the verdict
// rests on (intervals, p values, test accuracies, the split budget, a divergence).

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

QString config_json(const RunConfig& c) {
  return QString::fromStdString(moelab::config_to_json(c));
}

std::unique_ptr<MainWindow> window_with(const RunConfig& config) {
  auto window = std::make_unique<MainWindow>();
  window->control_panel()->set_config(config);
  return window;
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

bool write_text(const QString& path, const QByteArray& text) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QStringList gui_environment(const QString& config_home) {
  QStringList env = QProcess::systemEnvironment();
  env << QStringLiteral("QT_QPA_PLATFORM=offscreen") << QStringLiteral("OMP_NUM_THREADS=1")
      << QStringLiteral("XDG_CONFIG_HOME=") + config_home;
  return env;
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

  void badExperimentFileKeepsConfig_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("not json") << QByteArray("{ this is not json");
    QTest::newRow("unknown key") << QByteArray(R"({"training": {"seeds": 3}})");
    QTest::newRow("wrong type") << QByteArray(R"({"training": {"seed_epochs": "ten"}})");
    QTest::newRow("out of range") << QByteArray(R"({"model": {"top_k": 0}})");
    QTest::newRow("not an object") << QByteArray("[1, 2, 3]");
    QTest::newRow("missing file") << QByteArray();
  }

  void badExperimentFileKeepsConfig() {
    QFETCH(QByteArray, content);
    RunConfig mine = tiny_config();
    mine.training.seed = 777;
    mine.training.growth_epochs = 9;
    mine.fixes.entropy_loss = false;
    auto w = window_with(mine);
    const QString before = config_json(w->control_panel()->config());
    const QString path = temp_.filePath(QStringLiteral("bad-%1.json")
                                            .arg(QTest::currentDataTag())
                                            .replace(QLatin1Char(' '), QLatin1Char('-')));
    if (!content.isEmpty()) QVERIFY(write_text(path, content));
    QString shown;
    accept_next_message_box(&shown);
    w->open_experiment(path);
    QVERIFY(shown.contains(QStringLiteral("current settings are kept")));
    QVERIFY(shown.contains(QFileInfo(path).fileName()));
    QCOMPARE(config_json(w->control_panel()->config()), before);
  }

  void experimentFileRoundTrip() {
    RunConfig mine = tiny_config();
    mine.training.seed = 123456789012345ULL;
    mine.training.learning_rate = 0.00037;
    mine.training.batch_size = 48;          // not shown in the panel: must survive
    mine.training.diversity_weight = 0.07;  // likewise
    mine.fixes.projection_fix = false;
    mine.fixes.cooldown_epochs = 7;
    mine.fixes.entropy_weight = 0.25;
    mine.data.kind = moelab::DatasetKind::Synthetic;
    mine.data.synthetic.clusters = 6;
    mine.data.synthetic.spread = 1.75;
    auto w = window_with(mine);
    const QString path = temp_.filePath(QStringLiteral("experiment.json"));
    QString error;
    QVERIFY2(w->save_experiment(path, &error), qPrintable(error));
    w->control_panel()->set_config(RunConfig{});
    QVERIFY2(w->load_experiment(path, &error), qPrintable(error));
    QCOMPARE(config_json(w->control_panel()->config()), config_json(mine));
    // The very format moelab-cli reads.
    QCOMPARE(config_json(moelab::load_config_file(path.toStdString())), config_json(mine));
  }

  void scienceSettingsRoundTrip_data() {
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("loss");
    for (const auto& [mode_name, mode] : moelab::split_mode_names()) {
      for (const auto& [loss_name, loss] : moelab::diversity_loss_names()) {
        QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(mode_name, loss_name)))
            << static_cast<int>(mode) << static_cast<int>(loss);
      }
    }
  }

  void scienceSettingsRoundTrip() {
    QFETCH(int, mode);
    QFETCH(int, loss);
    moelab::ui::ControlPanel panel;
    // The chooser lists the core's names, in the core's order.
    QCOMPARE(panel.split_mode_box()->count(), static_cast<int>(moelab::split_mode_names().size()));
    for (int i = 0; i < panel.diversity_loss_box()->count(); ++i) {
      QCOMPARE(
          panel.diversity_loss_box()->itemText(i),
          QString::fromLatin1(moelab::diversity_loss_names()[static_cast<std::size_t>(i)].first));
    }
    RunConfig c;
    c.training.split_mode = static_cast<moelab::SplitMode>(mode);
    c.training.diversity_loss = static_cast<moelab::DiversityLoss>(loss);
    c.training.plateau_patience = 3;
    c.training.split_release_steps = 55;
    c.data.test_fraction = 0.15;
    panel.set_config(c);
    const RunConfig back = panel.config();
    QCOMPARE(config_json(back), config_json(c));
    QVERIFY(back.training.split_mode == c.training.split_mode);
    QVERIFY(back.training.diversity_loss == c.training.diversity_loss);
    QCOMPARE(back.training.plateau_patience, 3);
    QCOMPARE(back.data.test_fraction, 0.15);
    // The release steps mean something only for the preserving split.
    QCOMPARE(panel.split_release_steps_box()->isEnabled(),
             c.training.split_mode == moelab::SplitMode::Preserving);
    // Edited in the panel, they come out in config().
    panel.plateau_patience_box()->setValue(5);
    panel.test_fraction_box()->setValue(0.3);
    panel.split_mode_box()->setCurrentIndex(panel.split_mode_box()->count() - 1);
    QCOMPARE(panel.config().training.plateau_patience, 5);
    QCOMPARE(panel.config().data.test_fraction, 0.3);
    QVERIFY(panel.config().training.split_mode == moelab::split_mode_names().back().second);
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

  void screenshotOptionWritesPng() {
    const QString config = temp_.filePath(QStringLiteral("tiny.json"));
    QVERIFY(write_text(config, QByteArray::fromStdString(moelab::config_to_json(tiny_config()))));
    const QString png = temp_.filePath(QStringLiteral("out.png"));
    QProcess gui;
    gui.setEnvironment(gui_environment(temp_.filePath(QStringLiteral("xdg"))));
    gui.start(QStringLiteral(MOELAB_GUI_PATH),
              {QStringLiteral("--config"), config, QStringLiteral("--autostart"),
               QStringLiteral("--screenshot"), png, QStringLiteral("--quit")});
    QVERIFY(gui.waitForStarted());
    QVERIFY2(gui.waitForFinished(60000), "moelab did not quit after the run");
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 400 && image.height() >= 300);
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
      for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 30, "the screenshot looks blank");
    // The figure run left the next interactive start's settings alone: no experiment, no
    // window size was written.
    QDirIterator files(temp_.filePath(QStringLiteral("xdg")), QDir::Files,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
      QFile file(files.next());
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QByteArray text = file.readAll();
      QVERIFY2(!text.contains("experiment") && !text.contains("geometry"),
               qPrintable(file.fileName()));
    }
  }

  void badConfigOptionExits_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing file") << QByteArray() << QStringLiteral("cannot open");
    QTest::newRow("not json") << QByteArray("{{") << QStringLiteral("not valid JSON");
    QTest::newRow("unknown key") << QByteArray(R"({"modle": {}})") << QStringLiteral("modle");
    QTest::newRow("bad value") << QByteArray(R"({"training": {"learning_rate": -1}})")
                               << QStringLiteral("learning_rate");
  }

  void badConfigOptionExits() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = temp_.filePath(QStringLiteral("cli-%1.json")
                                            .arg(QTest::currentDataTag())
                                            .replace(QLatin1Char(' '), QLatin1Char('-')));
    if (!content.isEmpty()) QVERIFY(write_text(path, content));
    QProcess gui;
    gui.setEnvironment(gui_environment(temp_.filePath(QStringLiteral("xdg"))));
    gui.start(QStringLiteral(MOELAB_GUI_PATH),
              {QStringLiteral("--config"), path, QStringLiteral("--autostart"),
               QStringLiteral("--quit")});
    QVERIFY(gui.waitForFinished(30000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gui.exitCode(), 2);
    const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("moelab: ")) && err.contains(expected), qPrintable(err));
  }

  // help2man and a packager run these on a machine without a display: no platform plugin may be
  // needed before the answer.
  void helpVersionAndBadOptionNeedNoDisplay_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exit_code");
    // A pattern for stdout when the exit code is 0, for stderr otherwise.
    QTest::addColumn<QString>("expected");
    QTest::newRow("help") << QStringList{QStringLiteral("--help")} << 0
                          << QStringLiteral("--screenshot <PATH>");
    QTest::newRow("version") << QStringList{QStringLiteral("--version")} << 0
                             << QStringLiteral("^moelab \\d+\\.\\d+\\.\\d+\n$");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--bogus")} << 2
                                    << QStringLiteral("moelab: Unknown option 'bogus'");
    QTest::newRow("missing value") << QStringList{QStringLiteral("--config")} << 2
                                   << QStringLiteral("moelab: Missing value after '--config'");
    QTest::newRow("stray argument") << QStringList{QStringLiteral("run.json")} << 2
                                    << QStringLiteral("'run\\.json' is not a folder: RUN_DIR");
  }

  void helpVersionAndBadOptionNeedNoDisplay() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exit_code);
    QFETCH(QString, expected);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
      environment.remove(QString::fromLatin1(name));
    }
    QProcess gui;
    gui.setProcessEnvironment(environment);
    gui.start(QStringLiteral(MOELAB_GUI_PATH), arguments);
    QVERIFY(gui.waitForFinished(30000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    const QString out = QString::fromLocal8Bit(gui.readAllStandardOutput());
    const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
    QVERIFY2(gui.exitCode() == exit_code, qPrintable(err));
    QVERIFY2((exit_code == 0 ? out : err).contains(QRegularExpression(expected)),
             qPrintable(out + err));
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiWindow)
#include "test_ui_window.moc"
