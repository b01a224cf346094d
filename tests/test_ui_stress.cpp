// The window under a class of students: hundreds of random actions at random instants on the real
// MainWindow (offscreen): start, pause, step, stop, reset, every switch and setting a student can
// reach, the speed slider, presets, every menu item (file dialogs and message boxes included, a
// message box answered with any of its buttons, so that a finished run is sometimes kept and
// sometimes thrown away),
// comparisons opened, started and cancelled, exports, bad experiment files (a named pipe, a
// folder), settings that cannot run, windows closed and reopened. It checks that nothing crashes,
// that the event loop keeps turning (every action returns, and the loop ticks, within 2 s), that
// no modal dialog stays open, and that resident memory does not grow beyond a stated bound.
//
// The seed is printed; MOELAB_STRESS_SEED=N replays a run, MOELAB_STRESS_ACTIONS=N changes its
// length (default 600).

#include <sys/stat.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ablation/preset.h"
#include "charts/chart_panel.h"
#include "comparison/comparison_window.h"
#include "config/config_json.h"
#include "control_panel.h"
#include "discard_question.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_controls.h"
#include "switch_button.h"
#include "support/ui_test_setup.h"

using moelab::RunConfig;
using moelab::ui::ChartPanel;
using moelab::ui::ComparisonWindow;
using moelab::ui::MainWindow;

namespace {

// "Answered" means the action returned and the event loop ticked within this; a run, a
// comparison or a window must never hold the GUI thread longer. A sanitized Debug build runs the
// GUI thread several times slower (60 s for what takes 28 s here, 94 s beside a compiler): there
// the bound only tells a hang from slowness, and the 2 s promise is the lab's own builds'.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr qint64 kAnswerMs = 6000;
#else
constexpr qint64 kAnswerMs = 2000;
#endif
constexpr int kHeartbeatMs = 20;
constexpr int kWindDownMs = 180000;
constexpr int kModalPollMs = 50;
constexpr int kDefaultActions = 600;
constexpr std::uint64_t kDefaultSeed = 20261129;
// Resident memory may grow by at most this much from the end of the warm-up (the first tenth of
// the actions: every kind of window, chart and run has been created once) to the end.
constexpr double kGrowthBoundMiB = 64.0;

double resident_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0.0;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const QByteArray value = qgetenv(name);
  bool ok = false;
  const auto number = value.toULongLong(&ok);
  return ok ? number : fallback;
}

// Closes whatever modal dialog opens, as a student would: a message box with any of its buttons
// (About's OK, a question's yes or no), any other dialog cancelled; remembers one that would not
// close.
class ModalCloser : public QObject {
 public:
  explicit ModalCloser(std::uint64_t seed) : rng_(seed) {
    timer_.setInterval(kModalPollMs);
    connect(&timer_, &QTimer::timeout, this, [this] { poll(); });
    timer_.start();
  }
  int closed() const { return closed_; }
  const QString& stuck() const { return stuck_; }

 private:
  void poll() {
    QWidget* modal = QApplication::activeModalWidget();
    if (modal == nullptr) {
      open_.invalidate();
      return;
    }
    if (!open_.isValid() || modal != current_) {
      open_.start();
      current_ = modal;
    } else if (open_.elapsed() > kAnswerMs && stuck_.isEmpty()) {
      stuck_ = QStringLiteral("%1 \"%2\"").arg(modal->metaObject()->className(),
                                              modal->windowTitle());
    }
    auto* box = qobject_cast<QMessageBox*>(modal);
    if (box != nullptr && !box->buttons().isEmpty()) {
      const auto buttons = box->buttons();
      buttons[std::uniform_int_distribution<int>(0, static_cast<int>(buttons.size()) - 1)(rng_)]
          ->click();
    } else if (auto* dialog = qobject_cast<QDialog*>(modal)) {
      dialog->done(QDialog::Rejected);
    } else {
      modal->close();
    }
    ++closed_;
  }

  QTimer timer_;
  std::mt19937_64 rng_;
  QElapsedTimer open_;
  QWidget* current_ = nullptr;
  int closed_ = 0;
  QString stuck_;
};

// Ticks the event loop's clock; the longest gap between ticks is how long the loop stood still.
class Heartbeat : public QObject {
 public:
  Heartbeat() {
    timer_.setInterval(kHeartbeatMs);
    connect(&timer_, &QTimer::timeout, this, [this] {
      if (last_.isValid()) longest_ = std::max(longest_, last_.elapsed());
      last_.start();
    });
    timer_.start();
  }
  qint64 longest_gap_ms() const { return longest_; }

 private:
  QTimer timer_;
  QElapsedTimer last_;
  qint64 longest_ = 0;
};

QList<QAction*> menu_actions(QMainWindow* window) {
  QList<QAction*> actions;
  for (QAction* top : window->menuBar()->actions()) {
    if (QMenu* menu = top->menu()) {
      for (QAction* action : menu->actions()) {
        if (!action->isSeparator()) actions << action;
      }
    }
  }
  return actions;
}

}  // namespace

class TestUiStress : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_stress");
    QVERIFY(temp_.isValid());
    keep_runs_in(temp_);
    // The files a student might open by mistake.
    fifo_ = temp_.filePath(QStringLiteral("a-fifo.json"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo_).constData(), 0644) == 0);
    QVERIFY(QDir().mkpath(temp_.filePath(QStringLiteral("a-folder.json"))));
    good_ = temp_.filePath(QStringLiteral("good.json"));
    QFile good(good_);
    QVERIFY(good.open(QIODevice::WriteOnly));
    good.write(QByteArray::fromStdString(moelab::config_to_json(tiny_config())));
  }

  void aClassOfStudents() {
    const std::uint64_t seed = env_number("MOELAB_STRESS_SEED", kDefaultSeed);
    const int actions = static_cast<int>(env_number("MOELAB_STRESS_ACTIONS", kDefaultActions));
    qInfo("stress seed %llu, %d actions (replay with MOELAB_STRESS_SEED=%llu)",
          static_cast<unsigned long long>(seed), actions, static_cast<unsigned long long>(seed));
    rng_.seed(seed);
    ModalCloser closer(seed);
    Heartbeat heartbeat;
    open_window();

    const auto table = action_table();
    std::vector<double> weights;
    for (const auto& [name, weight, act] : table) weights.push_back(weight);
    std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
    std::vector<int> counts(table.size(), 0);
    const int warm_up = std::max(1, actions / 10);
    double start_mib = 0.0, peak_mib = 0.0;
    QElapsedTimer clock;
    clock.start();
    qint64 slowest = 0;
    QString slowest_name;
    for (int i = 0; i < actions; ++i) {
      const std::size_t which = pick(rng_);
      const auto& [name, weight, act] = table[which];
      QElapsedTimer answered;
      answered.start();
      act();
      if (answered.elapsed() > slowest) {
        slowest = answered.elapsed();
        slowest_name = name;
      }
      QVERIFY2(answered.elapsed() <= kAnswerMs,
               qPrintable(QStringLiteral("action %1 (%2) took %3 ms")
                              .arg(i).arg(name).arg(answered.elapsed())));
      ++counts[which];
      // A random instant before the next action: the runs go on meanwhile.
      QTest::qWait(std::uniform_int_distribution<int>(0, 40)(rng_));
      QVERIFY2(stuck_free(closer), qPrintable(closer.stuck()));
      if (i + 1 == warm_up) start_mib = resident_mib();
      peak_mib = std::max(peak_mib, resident_mib());
    }
    // Wind down: a last run to its end (no question: any finished run goes), then every window
    // closed. The last actions may have left a run paused or going, and Start is disabled while
    // one is: that run is dropped first.
    QSettings().setValue(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey), false);
    window_->controller()->reset();
    window_->control_panel()->set_config(tiny_config());
    window_->run_controls()->start_action()->trigger();
    QVERIFY(window_->controller()->active());
    // Only a hang fails this: the pace the actions left may be slow, and a sanitized build on a
    // loaded machine takes far longer than the run's usual second.
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->active(), kWindDownMs);
    window_.reset();
    QApplication::processEvents();
    const double end_mib = resident_mib();

    QStringList done;
    for (std::size_t a = 0; a < table.size(); ++a) {
      done << QStringLiteral("%1 %2").arg(std::get<0>(table[a])).arg(counts[a]);
    }
    qInfo("%d actions in %.1f s: %s", actions, clock.elapsed() / 1000.0,
          qPrintable(done.join(QStringLiteral(", "))));
    qInfo("%d modal dialogs closed; slowest action %lld ms (%s); longest event-loop gap %lld ms",
          closer.closed(), slowest, qPrintable(slowest_name), heartbeat.longest_gap_ms());
    qInfo("resident memory: %.1f MiB after the warm-up, %.1f MiB peak, %.1f MiB at the end "
          "(growth %.1f MiB, bound %.0f MiB)",
          start_mib, peak_mib, end_mib, end_mib - start_mib, kGrowthBoundMiB);
    QVERIFY2(heartbeat.longest_gap_ms() <= kAnswerMs, "the event loop stood still");
    QVERIFY(closer.stuck().isEmpty());
    QVERIFY(QApplication::activeModalWidget() == nullptr);
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed memory in quarantine and adds shadow memory: its resident
    // memory says nothing about the lab's. Leaks are its own report.
    qInfo("memory bound not checked under AddressSanitizer");
#else
    QVERIFY2(end_mib - start_mib <= kGrowthBoundMiB, "resident memory grew beyond the bound");
#endif
  }

  void cleanupTestCase() { QSettings().clear(); }

 private:
  using Action = std::tuple<QString, double, std::function<void()>>;

  std::vector<Action> action_table() {
    auto* self = this;
    const auto run_action = [self](auto getter) {
      return [self, getter] { (self->window_->run_controls()->*getter)()->trigger(); };
    };
    return {
        {"start", 6, run_action(&moelab::ui::RunControls::start_action)},
        {"pause or resume", 6, run_action(&moelab::ui::RunControls::pause_action)},
        {"step", 5, run_action(&moelab::ui::RunControls::step_action)},
        {"stop", 3, run_action(&moelab::ui::RunControls::stop_action)},
        {"reset", 3, run_action(&moelab::ui::RunControls::reset_action)},
        {"flip a switch", 8, [self] { self->flip_switch(); }},
        {"change a setting", 5, [self] { self->change_setting(); }},
        {"speed", 4, [self] { self->move_speed(); }},
        {"preset", 3, [self] { self->choose_preset(); }},
        {"chart view", 4, [self] { self->change_chart_view(); }},
        {"menu item", 6, [self] { self->trigger_menu_item(self->window_.get()); }},
        {"comparison", 5, [self] { self->drive_comparison(); }},
        {"export", 3, [self] { self->export_something(); }},
        {"bad experiment file", 2, [self] { self->open_bad_experiment(); }},
        {"settings that cannot run", 2, [self] { self->start_impossible_run(); }},
        {"resize", 2, [self] { self->resize_window(); }},
        {"close and reopen", 1, [self] { self->open_window(); }},
    };
  }

  int random(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

  bool stuck_free(const ModalCloser& closer) const { return closer.stuck().isEmpty(); }

  void open_window() {
    if (window_) window_->close();
    window_ = std::make_unique<MainWindow>();
    window_->control_panel()->set_config(tiny_config());
    window_->show();
  }

  void flip_switch() {
    auto* panel = window_->control_panel();
    moelab::ui::SwitchButton* switches[] = {panel->projection_switch(), panel->cooldown_switch(),
                                            panel->entropy_switch()};
    switches[random(0, 2)]->click();
  }

  // A field of the control panel set to a random value in its range (locked fields during a run
  // ignore it, as they ignore a student).
  void change_setting() {
    const auto boxes = window_->control_panel()->findChildren<QSpinBox*>();
    if (boxes.isEmpty()) return;
    QSpinBox* box = boxes[random(0, static_cast<int>(boxes.size()) - 1)];
    if (!box->isEnabled()) return;
    // Keep the runs short: values near the low end of each range.
    const int high = std::min(box->maximum(), box->minimum() + 6);
    box->setValue(random(box->minimum(), high));
    auto config = window_->control_panel()->config();
    if (config.training.seed_epochs + config.training.growth_epochs > 12) {
      window_->control_panel()->set_config(tiny_config());
    }
  }

  void move_speed() {
    if (auto* slider = window_->run_controls()->findChild<QSlider*>()) {
      slider->setValue(random(slider->minimum(), slider->maximum()));
    }
  }

  void choose_preset() {
    QComboBox* box = window_->control_panel()->preset_box();
    box->setCurrentIndex(random(0, box->count() - 1));
  }

  void change_chart_view() {
    ChartPanel* charts = window_->chart_panel();
    switch (random(0, 4)) {
      case 0: charts->set_smoothing(random(0, 99) / 100.0); break;
      case 1: charts->set_x_axis(static_cast<moelab::ui::XAxis>(random(0, 2))); break;
      case 2: charts->set_follow(random(0, 1) == 1); break;
      case 3: charts->reset_zoom(); break;
      default:
        charts->set_expert_view(random(0, 1) ? ChartPanel::ExpertView::Utilization
                                             : ChartPanel::ExpertView::TaskGradient);
    }
  }

  // Any menu item; Quit closes the window, which the next action finds reopened.
  void trigger_menu_item(QMainWindow* window) {
    const auto actions = menu_actions(window);
    if (actions.isEmpty()) return;
    QAction* action = actions[random(0, static_cast<int>(actions.size()) - 1)];
    if (action->isEnabled()) action->trigger();
    if (window == window_.get() && !window_->isVisible()) open_window();
  }

  void drive_comparison() {
    ComparisonWindow* comparison = window_->comparison_window();
    if (comparison == nullptr || !comparison->isVisible()) {
      window_->open_comparison();
      return;
    }
    switch (random(0, 5)) {
      case 0:
      case 1: {
        for (int arm = 0; arm < 8; ++arm) comparison->arm_box(arm)->setChecked(random(0, 3) == 0);
        comparison->arm_box(random(0, 7))->setChecked(true);
        comparison->seeds_spin()->setValue(random(1, 2));
        comparison->start_button()->click();
        break;
      }
      case 2: comparison->cancel_button()->click(); break;
      case 3: trigger_menu_item(comparison); break;
      case 4: {
        QString error;
        comparison->export_csv(temp_.filePath(QStringLiteral("table.csv")), &error);
        comparison->save_comparison(temp_.filePath(QStringLiteral("comparison.json")), &error);
        comparison->open_comparison(temp_.filePath(QStringLiteral("comparison.json")), &error);
        comparison->open_comparison(fifo_, &error);
        break;
      }
      default: comparison->close(); break;
    }
  }

  void export_something() {
    QString error;
    switch (random(0, 3)) {
      case 0: window_->export_metrics_csv(temp_.filePath(QStringLiteral("m.csv")), &error); break;
      case 1: window_->chart_panel()->export_png(temp_.filePath(QStringLiteral("c.png")), &error);
        break;
      case 2: window_->chart_panel()->export_svg(temp_.filePath(QStringLiteral("c.svg")), &error);
        break;
      default: window_->save_experiment(temp_.filePath(QStringLiteral("e.json")), &error);
    }
  }

  // A named pipe, a folder, a good file: the first two answer with a message box at once.
  void open_bad_experiment() {
    const QString paths[] = {fifo_, temp_.filePath(QStringLiteral("a-folder.json")), good_};
    window_->open_experiment(paths[random(0, 2)]);
  }

  // A model that needs hundreds of GiB, a missing IDX folder, or more threads than CPUs: each
  // fails with one sentence in the report, and nothing is allocated.
  void start_impossible_run() {
    if (window_->controller()->active()) return;
    RunConfig config = tiny_config();
    switch (random(0, 2)) {
      case 0:
        config.model.hidden = 8192;
        config.model.expert_hidden = 8192;
        config.model.max_experts = 256;
        break;
      case 1:
        config.data.kind = moelab::DatasetKind::Idx;
        config.data.idx_dir = fifo_.toStdString();
        break;
      default: config.training.threads = 4096;
    }
    window_->control_panel()->set_config(config);
    window_->start_run();
    window_->control_panel()->set_config(tiny_config());
  }

  void resize_window() { window_->resize(random(640, 1800), random(480, 1200)); }

  QTemporaryDir temp_;
  QString fifo_;
  QString good_;
  std::mt19937_64 rng_;
  std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestUiStress)
#include "test_ui_stress.moc"
