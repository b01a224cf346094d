// What the window shows agrees with itself, offscreen, on the real MainWindow:
//  - the preset chooser and the preset's banner follow the switches: a switch flipped by hand (or
//    by the run's schedule) after a preset was chosen shows the preset as modified, with what
//    differs; flipped back, it is the preset again;
//  - a finished run's charts are never shown under another preset's banner: choosing a preset
//    after a run asks first, and clears the charts and the report when the answer is yes (and
//    changes nothing when it is no);
//  - Reset and Start after a finished (or stopped) run ask before they throw its charts away;
//    "Don't ask again" is kept and honoured;
//  - the switch markers on the charts and the status bar use the switches' names from the core's
//    setting catalog ("Load balancing off"), not the field names.
// The question is a modal QMessageBox; the tests answer it as a user would, by clicking.

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <memory>

#include "ablation/preset.h"
#include "charts/chart_panel.h"
#include "charts/time_series_chart.h"
#include "config/setting_catalog.h"
#include "control_panel.h"
#include "discard_question.h"
#include "main_window.h"
#include "preset_banner.h"
#include "report_view.h"
#include "run_controller.h"
#include "run_controls.h"
#include "run_status_bar.h"
#include "switch_button.h"
#include "training/switch_events.h"
#include "support/message_box_answerer.h"
#include "support/ui_test_setup.h"

using moelab::RunConfig;
using moelab::ui::MainWindow;
using State = moelab::ui::RunController::State;

namespace {

constexpr int kRunTimeoutMs = 30000;

std::unique_ptr<MainWindow> finished_window() {
  auto w = std::make_unique<MainWindow>();
  w->control_panel()->set_config(tiny_config());
  QSignalSpy finished(w->controller(), &moelab::ui::RunController::finished);
  w->start_run();
  if (!QTest::qWaitFor([&] { return finished.count() == 1; }, kRunTimeoutMs)) return nullptr;
  w->chart_panel()->flush();
  return w;
}

int preset_index(const char* id) {
  const auto& all = moelab::presets();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

class TestUiCoherence : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_coherence");
    QVERIFY(temp_.isValid());
    keep_runs_in(temp_);
  }

  void init() { QSettings().remove(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey)); }

  void presetChooserAndBannerFollowTheSwitches() {
    MainWindow w;
    auto* panel = w.control_panel();
    auto* banner = qobject_cast<moelab::ui::PresetBanner*>(w.preset_label());
    QVERIFY(banner);
    const int collapse = preset_index("collapse");
    const QString title = QString::fromStdString(moelab::presets()[collapse].title);
    // Chosen in the chooser, as a user does.
    panel->preset_box()->setCurrentIndex(collapse + 1);
    Q_EMIT panel->preset_box()->activated(collapse + 1);
    QCOMPARE(panel->chosen_preset(), collapse);
    QCOMPARE(panel->preset_box()->currentText(), title);
    QVERIFY(!banner->isHidden());
    QVERIFY(banner->text().contains(title.toHtmlEscaped()));
    QVERIFY(!banner->modified());
    QVERIFY(!panel->entropy_switch()->isChecked());

    panel->entropy_switch()->click();  // by hand
    QVERIFY(panel->preset_modified());
    QCOMPARE(panel->preset_box()->currentText(), title + QStringLiteral(" (modified)"));
    QVERIFY(banner->modified());
    QVERIFY2(banner->text().contains(QStringLiteral("modified: Load balancing on")),
             qPrintable(banner->text()));

    panel->entropy_switch()->click();  // back
    QVERIFY(!panel->preset_modified());
    QCOMPARE(panel->preset_box()->currentText(), title);
    QVERIFY(!banner->modified());
    QVERIFY(!banner->text().contains(QStringLiteral("modified")));

    // A switch the run's schedule changed counts the same.
    moelab::FixSwitches scheduled = panel->fixes();
    scheduled.cooldown = true;
    panel->show_fixes(scheduled);
    QVERIFY(banner->modified());
    QVERIFY2(banner->text().contains(QStringLiteral("Growth cooldown on")),
             qPrintable(banner->text()));
    QVERIFY(panel->preset_box()->currentText().endsWith(QStringLiteral("(modified)")));

    // Another preset: the chooser and the banner show it, unmodified.
    const int all_fixes = preset_index("all-fixes");
    w.apply_preset(all_fixes);
    QCOMPARE(panel->preset_box()->currentText(),
             QString::fromStdString(moelab::presets()[all_fixes].title));
    QVERIFY(!banner->modified());
  }

  void presetAfterAFinishedRunAsksAndClearsTheCharts() {
    auto w = finished_window();
    QVERIFY(w);
    QVERIFY(w->chart_panel()->series_point_count() > 0);
    QVERIFY(w->report_view()->report().has_value());
    const int collapse = preset_index("collapse");
    {
      MessageBoxAnswerer no(QMessageBox::RejectRole);
      w->apply_preset(collapse);
      QCOMPARE(no.asked(), 1);
      QVERIFY(no.text().contains(QStringLiteral("clears the last run's charts")));
    }
    // No: nothing changed, the old run's charts are not under a new banner.
    QCOMPARE(w->controller()->state(), State::Finished);
    QVERIFY(w->chart_panel()->series_point_count() > 0);
    QCOMPARE(w->control_panel()->chosen_preset(), -1);
    QVERIFY(w->preset_label()->isHidden());
    QCOMPARE(w->control_panel()->preset_box()->currentIndex(), 0);
    QVERIFY(w->control_panel()->entropy_switch()->isChecked());
    {
      MessageBoxAnswerer yes(QMessageBox::AcceptRole);
      w->apply_preset(collapse);
      QCOMPARE(yes.asked(), 1);
    }
    // Yes: the preset, over empty charts and the report's guide.
    QCOMPARE(w->controller()->state(), State::Idle);
    w->chart_panel()->flush();
    QCOMPARE(w->chart_panel()->series_point_count(), 0);
    QVERIFY(!w->report_view()->report().has_value());
    QCOMPARE(w->control_panel()->chosen_preset(), collapse);
    QVERIFY(!w->preset_label()->isHidden());
    QVERIFY(!w->control_panel()->entropy_switch()->isChecked());

    // With nothing finished to lose, a preset asks nothing.
    MessageBoxAnswerer watch(QMessageBox::RejectRole);
    w->apply_preset(preset_index("all-fixes"));
    QCOMPARE(watch.asked(), 0);
  }

  void resetAndStartAfterAFinishedRunAsk() {
    auto w = finished_window();
    QVERIFY(w);
    auto* c = w->controller();
    QSignalSpy started(c, &moelab::ui::RunController::started);
    const int points = w->chart_panel()->series_point_count();
    {
      MessageBoxAnswerer no(QMessageBox::RejectRole);
      w->run_controls()->reset_action()->trigger();
      QCOMPARE(no.asked(), 1);
      QVERIFY(no.text().startsWith(QStringLiteral("Reset")));
      w->run_controls()->start_action()->trigger();
      QCOMPARE(no.asked(), 2);
      w->run_controls()->step_action()->trigger();  // Step from a finished run starts one too
      QCOMPARE(no.asked(), 3);
    }
    QCOMPARE(c->state(), State::Finished);
    QCOMPARE(started.count(), 0);
    w->chart_panel()->flush();
    QCOMPARE(w->chart_panel()->series_point_count(), points);
    {
      MessageBoxAnswerer yes(QMessageBox::AcceptRole, /*never_again=*/true);
      w->run_controls()->start_action()->trigger();
      QCOMPARE(yes.asked(), 1);
    }
    QCOMPARE(started.count(), 1);
    QVERIFY(c->active());
    QCOMPARE(QSettings().value(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey)).toBool(),
             false);
    QSignalSpy finished(c, &moelab::ui::RunController::finished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    // Not asked again.
    MessageBoxAnswerer watch(QMessageBox::RejectRole);
    w->run_controls()->reset_action()->trigger();
    QCOMPARE(watch.asked(), 0);
    QCOMPARE(c->state(), State::Idle);
  }

  void resetAfterAStoppedRunAsks() {
    MainWindow w;
    w.control_panel()->set_config(long_config());
    QSignalSpy epochs(w.controller(), &moelab::ui::RunController::epochReported);
    QSignalSpy finished(w.controller(), &moelab::ui::RunController::finished);
    w.start_run();
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    {
      // While the run goes, Reset drops it at once: nothing has finished.
      MessageBoxAnswerer watch(QMessageBox::RejectRole);
      w.run_controls()->stop_action()->trigger();
      QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
      QCOMPARE(watch.asked(), 0);
    }
    QCOMPARE(w.controller()->state(), State::Stopped);
    MessageBoxAnswerer yes(QMessageBox::AcceptRole);
    w.run_controls()->reset_action()->trigger();
    QCOMPARE(yes.asked(), 1);
    QCOMPARE(w.controller()->state(), State::Idle);
  }

  void switchMarkersUseTheSwitchesNames() {
    MainWindow w;
    w.control_panel()->set_config(long_config());
    auto* c = w.controller();
    QSignalSpy steps(c, &moelab::ui::RunController::stepsReported);
    QSignalSpy switches(c, &moelab::ui::RunController::switchReported);
    w.start_run();
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 1, kRunTimeoutMs);
    w.control_panel()->entropy_switch()->click();
    QTRY_COMPARE_WITH_TIMEOUT(switches.count(), 1, kRunTimeoutMs);
    w.chart_panel()->flush();
    const QString label = QString::fromStdString(moelab::setting("fixes.entropy_loss").label) +
                          QStringLiteral(" off");
    QCOMPARE(label, QStringLiteral("Load balancing off"));
    for (auto* chart : w.chart_panel()->time_charts()) {
      QCOMPARE(chart->marker_count(), 1);
      QCOMPARE(chart->marker_label(0), label);
    }
    QVERIFY2(w.run_status()->currentMessage().startsWith(label),
             qPrintable(w.run_status()->currentMessage()));
    c->reset();
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiCoherence)
#include "test_ui_coherence.moc"
