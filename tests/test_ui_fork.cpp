// The window's runs as durable folders: a run keeps its folder as it trains, "Fork from here"
// opens the counterfactual beside its parent (parent faint, the shared past drawn as the fork's,
// the switches as they stood), an experiment's schedule drives the switches, and flips made by
// hand are saved into the experiment's schedule so that the lesson replays exactly.

#include <QApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <optional>

#include "charts/chart_panel.h"
#include "charts/time_series_chart.h"
#include "config/config_json.h"
#include "control_panel.h"
#include "io/run_folder.h"
#include "io/run_status.h"
#include "main_window.h"
#include "run_controller.h"
#include "switch_button.h"
#include "support/ui_test_setup.h"

using moelab::RunConfig;
using moelab::RunResult;
using moelab::ui::MainWindow;
using moelab::ui::TimeSeriesChart;
using State = moelab::ui::RunController::State;

namespace {

constexpr int kRunTimeoutMs = 60000;

// Collapses without fixes: splits after every growth epoch (no epoch can improve on the best
// accuracy by 99 points, so each one is a plateau), whatever the seed's trajectory.
RunConfig collapse_config() {
  RunConfig c;
  c.training.seed = 3;
  c.training.seed_epochs = 2;
  c.training.growth_epochs = 6;
  c.training.plateau_min_delta = 0.99;
  c.training.threads = 1;
  c.fixes.cooldown = false;
  c.fixes.entropy_loss = false;
  return c;
}

std::unique_ptr<MainWindow> window_with(const RunConfig& config, const QString& runs) {
  auto window = std::make_unique<MainWindow>();
  window->set_runs_folder(runs);
  window->control_panel()->set_config(config);
  return window;
}

// Starts the window's run and waits for its end; the result, or nothing if it never came.
std::optional<RunResult> run_to_end(MainWindow& w) {
  QSignalSpy finished(w.controller(), &moelab::ui::RunController::finished);
  w.start_run();
  if (!QTest::qWaitFor([&] { return finished.count() == 1; }, kRunTimeoutMs)) return std::nullopt;
  return w.controller()->result();
}

std::string folder_of(const MainWindow& w) { return w.controller()->run_folder().toStdString(); }

}  // namespace

class TestUiFork : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_;
  QString runs() const { return temp_.filePath(QStringLiteral("runs")); }

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_fork");
    QVERIFY(temp_.isValid());
  }

  void windowRunKeepsItsFolder() {
    auto w = window_with(collapse_config(), runs());
    const auto ended = run_to_end(*w);
    QVERIFY(ended);
    const RunResult& result = *ended;
    const auto folder = folder_of(*w);
    QVERIFY(QString::fromStdString(folder).startsWith(runs()));
    QVERIFY(moelab::run_folder_finished(folder));
    const auto rows = moelab::RunFolder::rows(folder, "metrics.csv");
    QCOMPARE(rows.size(), result.epochs.size());
    QCOMPARE(rows.size(), std::size_t{8});
  }

  void forkFromHereOpensTheCounterfactualBesideItsParent() {
    auto parent = window_with(collapse_config(), runs());
    const auto parent_ended = run_to_end(*parent);
    QVERIFY(parent_ended);
    const RunResult& parent_result = *parent_ended;
    QVERIFY(parent_result.splits.size() >= 3);
    // A split marker forks from the epoch before the split, to revisit it.
    const auto& split = parent_result.splits[1];
    TimeSeriesChart* accuracy = parent->chart_panel()->accuracy_chart();
    QVERIFY(accuracy->forkable());
    int marker = -1;
    for (int i = 0; i < accuracy->marker_count(); ++i) {
      if (accuracy->marker_kind(i) == TimeSeriesChart::MarkerKind::Split &&
          accuracy->marker_label(i).endsWith(QStringLiteral("-> e%1").arg(split.child))) {
        marker = i;
      }
    }
    QVERIFY(marker >= 0);
    const int at = accuracy->fork_epoch_at(accuracy->marker_x(marker));
    QCOMPARE(at, split.epoch - 1);

    QSignalSpy forked(parent->chart_panel(), &moelab::ui::ChartPanel::fork_requested);
    Q_EMIT accuracy->fork_requested(at);  // what "Fork from here" in the menu sends
    QCOMPARE(forked.count(), 1);
    // The window opened beside the parent is this one:
    MainWindow* fork = nullptr;
    for (QWidget* widget : QApplication::topLevelWidgets()) {
      auto* candidate = qobject_cast<MainWindow*>(widget);
      if (candidate && candidate->is_fork() && candidate->isVisible()) fork = candidate;
    }
    QVERIFY(fork);
    QCOMPARE(fork->fork_epoch(), at);
    // The parent's whole run faint, its first `at` epochs as the fork's own.
    TimeSeriesChart* fork_accuracy = fork->chart_panel()->accuracy_chart();
    const int parent_line = fork_accuracy->find_line(QStringLiteral("parent_validation"));
    QVERIFY(parent_line >= 0);
    QCOMPARE(fork_accuracy->point_count(parent_line), static_cast<int>(parent_result.epochs.size()));
    const int own_line = fork_accuracy->find_line(QStringLiteral("validation"));
    QCOMPARE(fork_accuracy->point_count(own_line), at);
    // The switches as they stood; the user turns the cooldown on, then starts.
    auto* panel = fork->control_panel();
    QVERIFY(!panel->fixes().cooldown);
    panel->cooldown_switch()->click();
    QVERIFY(panel->fixes().cooldown);
    const auto fork_ended = run_to_end(*fork);
    QVERIFY(fork_ended);
    const RunResult& fork_result = *fork_ended;
    QVERIFY2(!fork_result.stopped, "the fork did not run to its end");
    QCOMPARE(fork_accuracy->point_count(own_line), static_cast<int>(parent_result.epochs.size()));
    // Its folder: the parent's rows up to the fork point, the fork recorded in config.json.
    const auto fork_folder = folder_of(*fork);
    const auto mine = moelab::RunFolder::rows(fork_folder, "metrics.csv");
    const auto theirs = moelab::RunFolder::rows(folder_of(*parent), "metrics.csv");
    QCOMPARE(mine.size(), theirs.size());
    for (int i = 0; i < at; ++i) QCOMPARE(mine[i], theirs[i]);
    QVERIFY(fork_result.config.fork.has_value());
    QCOMPARE(fork_result.config.fork->at_epoch, at);
    QVERIFY(!fork_result.switches.empty());
    QCOMPARE(fork_result.switches.front().epoch, at + 1);
    QCOMPARE(QString::fromStdString(fork_result.switches.front().name), QStringLiteral("cooldown"));
    // With the cooldown on from there, the fork splits less than its parent.
    QVERIFY(fork_result.splits.size() < parent_result.splits.size());
    fork->close();
  }

  void scheduleFlipsTheSwitchesTheWindowShows() {
    auto config = collapse_config();
    config = moelab::config_from_json(
        R"({"schedule": [{"epoch": 4, "fixes": {"cooldown": true, "cooldown_epochs": 2}}]})",
        "lesson.json", config);
    auto w = window_with(config, QString());
    const auto ended = run_to_end(*w);
    QVERIFY(ended);
    const RunResult& result = *ended;
    QCOMPARE(result.switches.size(), std::size_t{2});  // cooldown on, epochs 5 -> 2
    QCOMPARE(result.switches[0].epoch, 4);
    QVERIFY(w->control_panel()->fixes().cooldown);
    QCOMPARE(w->control_panel()->fixes().cooldown_epochs, 2);
    QVERIFY(w->chart_panel()->accuracy_chart()->marker_count() > static_cast<int>(result.splits.size()));
  }

  void handFlipsAreSavedIntoTheExperimentAndReplayExactly() {
    auto config = collapse_config();
    auto w = window_with(config, QString());
    w->controller()->set_step_delay(15);  // slow enough to flip mid-run
    QSignalSpy steps(w->controller(), &moelab::ui::RunController::stepsReported);
    QSignalSpy finished(w->controller(), &moelab::ui::RunController::finished);
    w->start_run();
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 2, kRunTimeoutMs);
    w->control_panel()->entropy_switch()->click();
    w->controller()->set_step_delay(0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    const RunResult played = *w->controller()->result();
    QCOMPARE(played.switches.size(), std::size_t{1});
    QVERIFY(!played.config.fixes.entropy_loss);  // the run started with it off ...
    QVERIFY(played.final_fixes.entropy_loss);    // ... and ended with it on
    const QString path = temp_.filePath(QStringLiteral("lesson.json"));
    QString error;
    QVERIFY2(w->save_experiment(path, &error), qPrintable(error));
    const auto saved = moelab::load_config_file(path.toStdString());
    QVERIFY(!saved.fixes.entropy_loss);
    QCOMPARE(saved.schedule.size(), std::size_t{1});
    QVERIFY(saved.schedule[0].step.has_value());
    QCOMPARE(*saved.schedule[0].step, played.switches[0].step);
    QVERIFY(QString::fromStdString(saved.schedule[0].note).contains(QStringLiteral("by hand")));

    // The saved lesson, opened and played in another window, replays the flip exactly.
    auto replay = window_with(RunConfig(), QString());
    QVERIFY2(replay->load_experiment(path, &error), qPrintable(error));
    const auto replayed = run_to_end(*replay);
    QVERIFY(replayed);
    const RunResult& again = *replayed;
    QCOMPARE(again.switches.size(), std::size_t{1});
    QCOMPARE(again.switches[0].step, played.switches[0].step);
    QCOMPARE(again.epochs.size(), played.epochs.size());
    for (std::size_t i = 0; i < again.epochs.size(); ++i) {
      QCOMPARE(again.epochs[i].val_accuracy, played.epochs[i].val_accuracy);
      QCOMPARE(again.epochs[i].loss_total, played.epochs[i].loss_total);
    }
  }
};

QTEST_MAIN(TestUiFork)
#include "test_ui_fork.moc"
