#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QShowEvent>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <algorithm>
#include <stdexcept>

#include "ablation/preset.h"
#include "banner_style.h"
#include "charts/chart_panel.h"
#include "comparison/comparison_window.h"
#include "config/config_json.h"
#include "control_panel.h"
#include "discard_question.h"
#include "io/run_writer.h"
#include "lesson/breakpoint_banner.h"
#include "lesson/lesson_controls.h"
#include "panel_scroll_area.h"
#include "presentation_mode.h"
#include "report_view.h"
#include "run_controller.h"
#include "run_controls.h"
#include "run_status_bar.h"
#include "runs/run_list.h"
#include "runs/run_list_view.h"
#include "save_file.h"
#include "text_scale.h"
#include "theme.h"
#include "training/switch_events.h"

// resources/moelab.qrc is compiled into the static moelab_ui library, where the linker would drop
// it as unreferenced; this references it. Q_INIT_RESOURCE must be used outside any namespace.
static void init_moelab_resources() {
  static bool done = false;  // GUI thread only
  if (done) return;
  done = true;
  Q_INIT_RESOURCE(moelab);
}

namespace moelab::ui {

namespace {

const char* kGeometryKey = "window/geometry";
const char* kStateKey = "window/state";
const char* kExperimentKey = "experiment/last";
const char* kSpeedKey = "run/step_delay_ms";
const char* kRunsFolderKey = "runs/folder";
// Bumped when the docks change, so that an older layout is not restored into the new one.
constexpr int kStateVersion = 2;

QString one_sentence(const std::exception& e) { return QString::fromUtf8(e.what()); }

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  init_moelab_resources();
  setWindowTitle(tr("MoE Growth Lab"));
  TextScale::instance();  // the type at the scale last chosen, before anything is laid out
  Theme::instance();      // and the colours, before any chart takes them
  controller_ = new RunController(this);
  build_layout();
  presentation_ = new PresentationMode(this, controls_, charts_);
  lesson_controls_ = new LessonControls(this);
  controller_->set_breakpoints(lesson_controls_->settings());
  build_menus();
  connect_run();
  restore_settings();
  update_export_caption();
}

MainWindow::~MainWindow() {
  // Join the training threads before any widget they report to goes away.
  controller_->shutdown();
}

void MainWindow::build_layout() {
  run_controls_ = new RunControls(this);
  addToolBar(Qt::TopToolBarArea, run_controls_);

  // The controls and the report are docks: on a small screen either can be closed, floated to a
  // second screen or moved, and the charts take the room (View menu brings them back).
  controls_ = new ControlPanel;
  auto* scroll = new PanelScrollArea;
  scroll->setWidget(controls_);
  controls_dock_ =
      add_dock(tr("Controls"), QStringLiteral("controlsDock"), scroll, Qt::LeftDockWidgetArea);
  report_ = new ReportView;
  report_dock_ =
      add_dock(tr("Report"), QStringLiteral("reportDock"), report_, Qt::RightDockWidgetArea);
  build_run_list();

  charts_ = new ChartPanel;
  preset_label_ = new PresetBanner;
  fork_label_ = new QLabel;
  fork_label_->setObjectName(QStringLiteral("forkLabel"));
  fork_label_->setWordWrap(true);
  new BannerStyle(fork_label_, QStringLiteral("QLabel#forkLabel"), BannerStyle::Tone::Fork);
  fork_label_->hide();
  auto* centre = new QWidget;
  auto* centre_layout = new QVBoxLayout(centre);
  centre_layout->setContentsMargins(0, 0, 0, 0);
  centre_layout->setSpacing(4);
  centre_layout->addWidget(preset_label_);
  centre_layout->addWidget(fork_label_);
  breakpoint_banner_ = new BreakpointBanner;
  centre_layout->addWidget(breakpoint_banner_);
  centre_layout->addWidget(charts_, 1);
  setCentralWidget(centre);

  status_ = new RunStatusBar;
  setStatusBar(status_);
}

QDockWidget* MainWindow::add_dock(const QString& title, const QString& name, QWidget* content,
                                  Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(name);  // saveState() and restoreState() know docks by name
  dock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea);
  dock->setWidget(content);
  addDockWidget(area, dock);
  return dock;
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open =
      file->addAction(tr("&Open experiment..."), this, &MainWindow::choose_open_experiment);
  open->setShortcut(QKeySequence::Open);
  QAction* save =
      file->addAction(tr("&Save experiment..."), this, &MainWindow::choose_save_experiment);
  save->setShortcut(QKeySequence::Save);
  file->addSeparator();
  file->addAction(tr("Open &run..."), runs_view_, &RunListView::choose_and_open);
  file->addSeparator();
  export_csv_ = file->addAction(tr("Export metrics &CSV..."), this, &MainWindow::choose_export_csv);
  export_csv_->setEnabled(false);
  file->addAction(tr("Export dashboard as &PNG..."), this, [this] { choose_export_image(false); });
  file->addAction(tr("Export dashboard as S&VG..."), this, [this] { choose_export_image(true); });
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addActions(run_controls_->run_actions());
  run->addSeparator();
  QMenu* breakpoints = run->addMenu(tr("&Breakpoints"));
  breakpoints->setToolTipsVisible(true);
  breakpoints->addActions(lesson_controls_->actions());
  breakpoints->insertSeparator(lesson_controls_->actions().back());

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addAction(presentation_->toggle_action());
  view->addSeparator();
  view->addActions(TextScale::instance()->make_actions(this));
  QMenu* theme = view->addMenu(tr("&Theme"));
  theme->addActions(Theme::instance()->make_actions(theme));
  view->addSeparator();
  view->addAction(controls_dock_->toggleViewAction());
  view->addAction(report_dock_->toggleViewAction());
  view->addAction(runs_dock_->toggleViewAction());

  QMenu* presets_menu = menuBar()->addMenu(tr("&Presets"));
  for (int i = 0; i < static_cast<int>(presets().size()); ++i) {
    presets_menu->addAction(QString::fromStdString(presets()[static_cast<std::size_t>(i)].title),
                            this, [this, i] { apply_preset(i); });
  }

  QMenu* compare = menuBar()->addMenu(tr("&Compare"));
  QAction* new_comparison =
      compare->addAction(tr("&New comparison..."), this, &MainWindow::open_comparison);
  new_comparison->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About MoE Growth Lab"), this, &MainWindow::show_about);
}

void MainWindow::connect_run() {
  RunController* c = controller_;
  connect(run_controls_, &RunControls::startRequested, this, &MainWindow::start_run);
  connect(run_controls_, &RunControls::pauseRequested, c, &RunController::pause);
  connect(run_controls_, &RunControls::resumeRequested, c, &RunController::resume);
  connect(run_controls_, &RunControls::stepRequested, this, &MainWindow::step_epoch);
  connect(run_controls_, &RunControls::stopRequested, c, &RunController::stop);
  connect(run_controls_, &RunControls::resetRequested, this, &MainWindow::reset_run);
  connect(run_controls_, &RunControls::stepDelayChanged, c, &RunController::set_step_delay);
  connect(controls_, &ControlPanel::fixesChanged, c, &RunController::set_fixes);
  connect(controls_, &ControlPanel::presetChosen, this, &MainWindow::apply_preset);
  connect(controls_, &ControlPanel::presetStateChanged, this, [this] {
    preset_label_->show_state(controls_->chosen_preset(), controls_->fixes());
    update_export_caption();
  });

  connect(c, &RunController::started, this, &MainWindow::on_started);
  connect(c, &RunController::dataLoaded, this, [this](const DatasetInfo& info) {
    QStringList names;
    for (const auto& name : info.class_names) names << QString::fromStdString(name);
    charts_->reset(names);
    show_parent_past();
    status_->set_data(info);
  });
  connect(charts_, &ChartPanel::fork_requested, this, &MainWindow::fork_from);
  connect(c, &RunController::stepsReported, charts_, &ChartPanel::add_steps);
  connect(c, &RunController::stepsReported, this, [this](const std::vector<StepMetrics>& steps) {
    steps_.insert(steps_.end(), steps.begin(), steps.end());
  });
  // The status bar shows where the run is: the batch's last step is enough.
  connect(c, &RunController::stepsReported, status_,
          [status = status_](const std::vector<StepMetrics>& steps) {
            status->add_step(steps.back());
          });
  connect(c, &RunController::epochReported, this, &MainWindow::on_epoch);
  connect(c, &RunController::splitReported, charts_, &ChartPanel::add_split);
  connect(c, &RunController::splitReported, this, [this](const SplitEvent& e) {
    status_->showMessage(tr("Split: expert %1 gave birth to expert %2 after epoch %3.")
                             .arg(e.parent)
                             .arg(e.child)
                             .arg(e.epoch),
                         5000);
  });
  connect(c, &RunController::switchReported, charts_, &ChartPanel::add_switch);
  connect(c, &RunController::switchReported, this, [this](const SwitchEvent& e) {
    // A scheduled change shows on the switches too (a hand flip is already there).
    controls_->show_fixes(apply_switch_event(controls_->fixes(), e));
    status_->showMessage(tr("%1 from epoch %2, step %3 (marked on the charts).")
                             .arg(QString::fromStdString(describe_switch_event(e)))
                             .arg(e.epoch)
                             .arg(e.step),
                         5000);
  });
  connect(c, &RunController::phaseReport, report_, &ReportView::set_report);
  connect(c, &RunController::finished, this, &MainWindow::on_finished);
  connect(c, &RunController::failed, this, [this](const QString& message) {
    report_->show_failure(message);
    status_->showMessage(message);
    Q_EMIT runEnded(false);
  });
  connect(c, &RunController::stateChanged, this, &MainWindow::on_state);
  connect(lesson_controls_, &LessonControls::changed, c, &RunController::set_breakpoints);
  connect(c, &RunController::breakpointHit, this, [this](const BreakpointHit& hit) {
    breakpoint_banner_->show_hit(hit);
    status_->showMessage(tr("Paused at a breakpoint after epoch %1: %2.")
                             .arg(hit.epoch)
                             .arg(QString::fromUtf8(breakpoint_info(hit.kind).name)),
                         8000);
  });
  connect(breakpoint_banner_, &BreakpointBanner::playOnRequested, c, &RunController::resume);
  connect_run_list();
}

void MainWindow::on_finished(const RunResult& result) {
  // Switches flipped by hand are in the run's schedule (with the step they took effect at): the
  // lesson Save experiment writes.
  const auto& schedule = result.config.schedule;
  const bool flipped = std::any_of(schedule.begin(), schedule.end(),
                                   [](const ScheduleEntry& e) { return e.step.has_value(); });
  lesson_.reset();
  if (flipped) lesson_ = result.config;
  if (result.stopped) {
    report_->clear(tr("The run was stopped after epoch %1, before the end of the growth phase: "
                      "no report. Its metrics can still be exported (File menu).")
                       .arg(result.epochs.size()));
  } else if (!result.report) {
    report_->clear(tr("This run had no growth phase, so there is no GO/NO-GO report."));
  }
  Q_EMIT runEnded(true);
}

void MainWindow::start_run() {
  if (!may_discard_run(tr("Starting a new run"))) return;
  const RunConfig config = controls_->config();
  try {
    validate(config);
  } catch (const std::invalid_argument& e) {
    QMessageBox::warning(this, tr("Cannot start"),
                         tr("These settings cannot run: %1.").arg(one_sentence(e)));
    return;
  }
  if (is_fork()) {
    controller_->start_fork(config, fork_parent_, fork_epoch_);
  } else {
    controller_->start(config);
  }
}

void MainWindow::step_epoch() {
  // From idle, Step starts a run that pauses after its first epoch.
  if (!controller_->active()) {
    start_run();
    if (!controller_->active()) return;
  }
  controller_->step_epoch();
}

bool MainWindow::holds_ended_run() const {
  return !controller_->active() && controller_->result().has_value();
}

bool MainWindow::may_discard_run(const QString& action) {
  return !holds_ended_run() || DiscardQuestion::ask(this, action, controller_->run_folder());
}

void MainWindow::reset_run() {
  if (may_discard_run(tr("Reset"))) drop_run();
}

void MainWindow::drop_run() {
  runs_->clear_current();  // still in its folder: now a run to overlay like the others
  controller_->reset();
  lesson_.reset();
  charts_->reset({});
  report_->clear();
  status_->clear_run();
}

void MainWindow::on_started(const RunConfig& config) {
  steps_.clear();
  epochs_done_ = std::max(fork_epoch_, 0);
  charts_->reset({});
  charts_->set_forkable(!controller_->run_folder().isEmpty());
  charts_->configure(config);
  status_->begin(config);
  const auto& t = config.training;
  report_->clear(t.growth_epochs > 0
                     ? tr("This run's report appears after epoch %1, the end of the growth phase.")
                           .arg(t.seed_epochs + t.growth_epochs)
                     : tr("This run has no growth phase, so it will not write a report."));
}

void MainWindow::on_epoch(const EpochMetrics& m) {
  epochs_done_ = m.epoch;
  charts_->add_epoch(m);
  status_->add_epoch(m);
  if (m.epoch == controller_->run_config().training.seed_epochs) {
    charts_->set_seed_accuracy(m.val_accuracy);
  }
}

void MainWindow::update_export_caption() {
  QString title = tr("MoE Growth Lab");
  if (const int preset = controls_->chosen_preset(); preset >= 0) {
    title += QStringLiteral(": ") +
             QString::fromStdString(presets()[static_cast<std::size_t>(preset)].title);
    if (controls_->preset_modified()) title += tr(" (modified)");
  }
  // The switches as the catalog names them: each one's event from its opposite ("Cooldown on").
  const FixSwitches fixes = controls_->fixes();
  FixSwitches opposite = fixes;
  opposite.projection_fix = !fixes.projection_fix;
  opposite.cooldown = !fixes.cooldown;
  opposite.entropy_loss = !fixes.entropy_loss;
  QStringList details;
  for (const SwitchEvent& e : diff_switches(opposite, fixes)) {
    details << QString::fromStdString(describe_switch_event(e));
  }
  const auto& result = controller_->result();
  if (result && result->report) {
    details << tr("%1: test %2% against the seed's %3%")
                   .arg(QString::fromUtf8(result->report->verdict()))
                   .arg(result->test_accuracy * 100.0, 0, 'f', 1)
                   .arg(result->seed_test_accuracy * 100.0, 0, 'f', 1);
  } else if (result && result->stopped) {
    details << tr("stopped after epoch %1, no verdict").arg(result->epochs.size());
  } else if (controller_->active()) {
    details << tr("running, no verdict yet");
  }
  charts_->set_export_caption(title, details.join(QStringLiteral(" \u00b7 ")));
}

void MainWindow::on_state(RunController::State state) {
  update_export_caption();
  // The caption explains a pause: once the run goes on (or ends) it is history.
  if (state != RunController::State::Paused) breakpoint_banner_->hide();
  run_controls_->set_state(state);
  status_->set_state(state);
  controls_->set_running(controller_->active() || is_fork());
  export_csv_->setEnabled(controller_->result().has_value());
}

bool MainWindow::load_experiment(const QString& path, QString* error) {
  try {
    controls_->set_config(load_config_file(QFile::encodeName(path).toStdString()));
    preset_ = -1;
    last_dir_ = QFileInfo(path).absolutePath();
    return true;
  } catch (const std::exception& e) {
    if (error) *error = one_sentence(e);
    return false;
  }
}

RunConfig MainWindow::experiment_to_save() const {
  const RunConfig shown = controls_->config();
  if (!lesson_) return shown;
  // The lesson, unless the settings were changed since (the switches always were: they show how
  // the run ended).
  auto comparable = [](RunConfig c) {
    c.fixes = FixSwitches{};
    c.schedule.clear();
    c.fork.reset();
    return config_to_json(c);
  };
  if (comparable(shown) != comparable(*lesson_)) return shown;
  RunConfig lesson = *lesson_;
  lesson.fork.reset();  // the lesson replays from the start
  return lesson;
}

bool MainWindow::save_experiment(const QString& path, QString* error) const {
  return save_file(path, QByteArray::fromStdString(config_to_json(experiment_to_save())), error);
}

bool MainWindow::export_metrics_csv(const QString& path, QString* error) const {
  if (!controller_->result()) {
    if (error) *error = tr("There are no metrics yet: run an experiment first.");
    return false;
  }
  const RunResult& result = *controller_->result();
  const QFileInfo info(path);
  const QString base = info.dir().filePath(info.completeBaseName());
  return save_file(path, QByteArray::fromStdString(metrics_csv(result)), error) &&
         save_file(base + QStringLiteral("-steps.csv"),
                   QByteArray::fromStdString(steps_csv(steps_)), error) &&
         save_file(base + QStringLiteral("-events.csv"),
                   QByteArray::fromStdString(events_csv(result)), error);
}

bool MainWindow::save_screenshot(const QString& path, QString* error) {
  const QPixmap image = grab();
  QSaveFile file(path);
  if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") ||
      !file.commit()) {
    if (error) {
      *error = tr("Could not write the screenshot %1: %2.")
                   .arg(QDir::toNativeSeparators(path), file.errorString());
    }
    return false;
  }
  return true;
}

void MainWindow::open_experiment(const QString& path) {
  QString error;
  if (!load_experiment(path, &error)) {
    QMessageBox::warning(this, tr("Open experiment"),
                         tr("This experiment file cannot be used; the current settings are kept."
                            "\n\n%1")
                             .arg(error));
  }
}

void MainWindow::choose_open_experiment() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), last_dir_,
                                                    tr("Experiment (*.json);;All files (*)"));
  if (!path.isEmpty()) open_experiment(path);
}

void MainWindow::choose_save_experiment() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Save experiment"), QDir(last_dir_).filePath(QStringLiteral("experiment.json")),
      tr("Experiment (*.json)"));
  if (path.isEmpty()) return;
  QString error;
  if (save_experiment(path, &error)) {
    last_dir_ = QFileInfo(path).absolutePath();
  } else {
    QMessageBox::warning(this, tr("Save experiment"), error);
  }
}

void MainWindow::choose_export_csv() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export metrics"), QDir(last_dir_).filePath(QStringLiteral("metrics.csv")),
      tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  QString error;
  if (!export_metrics_csv(path, &error)) QMessageBox::warning(this, tr("Export metrics"), error);
}

void MainWindow::choose_export_image(bool svg) {
  const QString name = svg ? QStringLiteral("dashboard.svg") : QStringLiteral("dashboard.png");
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export dashboard"), QDir(last_dir_).filePath(name),
                                   svg ? tr("SVG image (*.svg)") : tr("PNG image (*.png)"));
  if (path.isEmpty()) return;
  QString error;
  const bool ok = svg ? charts_->export_svg(path, &error) : charts_->export_png(path, &error);
  if (!ok) QMessageBox::warning(this, tr("Export dashboard"), error);
}

ComparisonWindow* MainWindow::comparison_window() const { return comparison_.data(); }

void MainWindow::apply_preset(int index) {
  if (index < 0 || index >= static_cast<int>(presets().size())) return;
  // A finished run's charts were made by other switches: under this preset's explanation they
  // would mislead, so the preset starts afresh (after asking), or does not apply at all.
  if (holds_ended_run()) {
    if (!may_discard_run(tr("Choosing a preset"))) {
      controls_->show_preset(controls_->chosen_preset());  // the chooser as it was
      return;
    }
    drop_run();
  }
  const Preset& preset = presets()[static_cast<std::size_t>(index)];
  RunConfig config = controls_->config();
  if (preset_ >= 0) {
    config = presets()[static_cast<std::size_t>(preset_)].revert(config, before_preset_);
  }
  before_preset_ = config;
  preset_ = index;
  // A running trainer gets the switches through fixesChanged(); the other settings are the
  // next run's. A fork's are its parent's. The chooser and the banner follow
  // (ControlPanel::presetStateChanged).
  Preset applied = preset;
  if (is_fork()) applied.settings.clear();
  controls_->show_preset(index);
  controls_->set_config(applied.apply(config));
  // A preset is a lesson: at full speed a room sees only the end. The Speed slider shows the
  // pace, and a pace chosen before is kept.
  if (run_controls_->step_delay_ms() == 0) {
    run_controls_->set_step_delay_ms(LessonControls::kLessonPaceMs);
  }
  if (!preset.settings.empty() && is_fork()) {
    status_->showMessage(tr("A fork keeps its parent's settings: only the preset's switches were "
                            "applied."),
                         8000);
  } else if (!preset.settings.empty() && controller_->active()) {
    status_->showMessage(tr("The preset's switches apply now, its other settings from the next "
                            "Start."),
                         8000);
  }
}

void MainWindow::open_comparison() {
  if (!comparison_) {
    comparison_ = new ComparisonWindow(this);
    comparison_->setWindowFlag(Qt::Window);
    comparison_->setAttribute(Qt::WA_DeleteOnClose);
  }
  comparison_->set_base_config(controls_->config());
  comparison_->show();
  comparison_->raise();
  comparison_->activateWindow();
}

void MainWindow::show_about() {
  QString attribution;
  QFile file(QStringLiteral(":/ATTRIBUTION.md"));
  if (file.open(QIODevice::ReadOnly)) attribution = QString::fromUtf8(file.readAll());
  QMessageBox box(this);
  box.setWindowTitle(tr("About MoE Growth Lab"));
  box.setTextFormat(Qt::MarkdownText);
  box.setText(tr("## MoE Growth Lab\n\nWatch a mixture of experts grow (experts split while it "
                 "trains) and collapse (experts go dormant), and switch the three fixes of the "
                 "seed report on and off while it runs.\n\nQt %1, LibTorch (CPU).\n\n%2")
                  .arg(QString::fromLatin1(qVersion()), attribution));
  box.exec();
}

void MainWindow::restore_settings() {
  QSettings settings;
  if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
    QSize size(1600, 1000);
    if (const QScreen* screen = QGuiApplication::primaryScreen()) {
      size = size.boundedTo(screen->availableGeometry().size());
    }
    resize(size);
  }
  default_docks_ = !restoreState(settings.value(kStateKey).toByteArray(), kStateVersion);
  run_controls_->set_step_delay_ms(settings.value(kSpeedKey, 0).toInt());
  set_runs_folder(settings
                      .value(kRunsFolderKey, QDir(QStandardPaths::writableLocation(
                                                      QStandardPaths::AppLocalDataLocation))
                                                 .filePath(QStringLiteral("runs")))
                      .toString());
  const QString last = settings.value(kExperimentKey).toString();
  if (!last.isEmpty()) {
    try {
      controls_->set_config(config_from_json(last.toStdString(), "the saved settings"));
    } catch (const std::exception&) {
      // A config saved by another version: start from the defaults rather than refuse to open.
    }
  }
}

void MainWindow::change_lab_folder(const QString& folder) {
  set_runs_folder(folder);
  QSettings().setValue(kRunsFolderKey, folder);
}

void MainWindow::save_settings() const {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState(kStateVersion));
  settings.setValue(kSpeedKey, run_controls_->step_delay_ms());
  settings.setValue(kExperimentKey, QString::fromStdString(config_to_json(controls_->config())));
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (default_docks_) {
    // Only now does the window have its real width. The controls at their natural width, the
    // report a fifth of the window (wide enough for its tables), the charts the rest: on a
    // 1280 px screen that leaves the dashboard its three columns.
    default_docks_ = false;
    const int left = std::max(controls_dock_->minimumSizeHint().width(), 300);
    const int right = std::clamp(width() / 5, 240, 480);
    resizeDocks({controls_dock_, report_dock_}, {left, right}, Qt::Horizontal);
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // The next start opens as the window was before it presented.
  // A comparison with finished runs nobody saved asks first; "Cancel" keeps both windows open.
  if (comparison_ && comparison_->isVisible() && !comparison_->close()) {
    event->ignore();
    return;
  }
  presentation_->set_active(false);
  if (remembers_settings_) save_settings();
  controller_->shutdown();
  event->accept();
}

}  // namespace moelab::ui
