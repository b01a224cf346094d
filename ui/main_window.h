#pragma once
// The lab's window. A composer only: the control panel (a dock, left, scrollable), the live charts
// (centre), the GO/NO-GO report (a dock, right), the run toolbar and the status bar each own their
// state; the window wires them to the RunController, keeps the menus, the experiment files and the
// settings. Forks live in main_window_fork.cpp, the run list (a dock beside the report) in
// main_window_runs.cpp.

#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <optional>
#include <vector>

#include "meta_types.h"
#include "preset_banner.h"
#include "run_controller.h"

class QAction;
class QLabel;
class QDockWidget;

namespace moelab::ui {

class BreakpointBanner;
class ChartPanel;
class ComparisonWindow;
class LessonControls;
class ControlPanel;
class PresentationMode;
class ReportView;
class RunControls;
class RunList;
class RunListView;
class RunStatusBar;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Experiment files (the JSON that moelab-cli --config reads). On failure they return false,
  // set `error` to one sentence and change nothing.
  bool load_experiment(const QString& path, QString* error);
  bool save_experiment(const QString& path, QString* error) const;
  // The last run's epochs to `path` (metrics.csv's columns) and beside it its step reports
  // (NAME-steps.csv) and its splits and switch changes (NAME-events.csv).
  bool export_metrics_csv(const QString& path, QString* error) const;
  // The whole window as a PNG.
  bool save_screenshot(const QString& path, QString* error);

  RunController* controller() const { return controller_; }
  ControlPanel* control_panel() const { return controls_; }
  ChartPanel* chart_panel() const { return charts_; }
  ReportView* report_view() const { return report_; }
  QDockWidget* controls_dock() const { return controls_dock_; }
  QDockWidget* report_dock() const { return report_dock_; }
  RunControls* run_controls() const { return run_controls_; }
  RunStatusBar* run_status() const { return status_; }
  // Full screen, larger type, the switches and two large charts (View menu, F5).
  PresentationMode* presentation() const { return presentation_; }
  // The comparison window once opened (Compare > New comparison...), else null.
  ComparisonWindow* comparison_window() const;
  // The teaching preset's title and explanation, above the charts (hidden until one is chosen);
  // it follows the switches.
  PresetBanner* preset_label() const { return preset_label_; }
  // The lesson's breakpoints (Run > Breakpoints) and the caption above the charts while one
  // holds the run.
  LessonControls* lesson_controls() const { return lesson_controls_; }
  BreakpointBanner* breakpoint_banner() const { return breakpoint_banner_; }

  // Makes this window a fork of the run kept in `parent_folder`, from its state after `epoch`:
  // the control panel shows the parent's settings with its switches as they stood then (change
  // them, then Start), the charts show the parent's first epochs as this run's and the whole
  // parent faint. Returns false and sets `error` when the folder cannot be read.
  bool prepare_fork(const QString& parent_folder, int epoch, QString* error);
  bool is_fork() const { return fork_epoch_ >= 0; }
  int fork_epoch() const { return fork_epoch_; }
  // Where each run keeps its folder (settings key "runs/folder"; default: the lab's data folder):
  // the lab folder, whose runs the run list shows.
  QString runs_folder() const { return controller_->runs_folder(); }
  void set_runs_folder(const QString& folder);
  // Whether closing the window keeps its settings (size, docks, experiment, speed) for the next
  // start; a figure made from the command line (--quit) does not.
  void set_remembers_settings(bool remember) { remembers_settings_ = remember; }

  // --- the run list (main_window_runs.cpp) ---
  RunList* run_list() const { return runs_; }
  RunListView* run_list_view() const { return runs_view_; }
  QDockWidget* runs_dock() const { return runs_dock_; }
  // Adds the run folder at `path` (written by moelab-cli or a window) to the run list and
  // overlays it on the time charts. False with one sentence in `error` when it holds no run.
  bool open_run(const QString& path, QString* error);

 public Q_SLOTS:
  // Starts a run with the control panel's settings (a message box if they cannot run).
  void start_run();
  // Loads an experiment file; a bad one gives a message box and keeps the current settings.
  void open_experiment(const QString& path);
  // Help > About: what the lab is, and where its data comes from (resources/ATTRIBUTION.md).
  void show_about();
  // Applies teaching preset `index` (into moelab::presets()) and explains it: its switches, and
  // its other settings (taking back the previous preset's first; not in a fork, whose settings
  // are its parent's).
  void apply_preset(int index);
  // Opens (or raises) the comparison window with the control panel's settings as its base.
  void open_comparison();
  // "Fork from here": opens a fork of this window's run, from its state after `epoch`, in a new
  // window beside this one. Returns it, or null after saying why not.
  MainWindow* fork_from(int epoch);

 Q_SIGNALS:
  // The run ended: `completed` is false when it failed. A stopped run counts as ended.
  void runEnded(bool completed);

 protected:
  void showEvent(QShowEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void build_layout();
  QDockWidget* add_dock(const QString& title, const QString& name, QWidget* content,
                        Qt::DockWidgetArea area);
  void build_menus();
  void connect_run();
  // What an exported dashboard says above its charts: the preset, the switches, the verdict.
  void update_export_caption();
  void restore_settings();
  void save_settings() const;
  void step_epoch();
  // Reset: asks before a finished run is thrown away, then drops it.
  void reset_run();
  // Clears the run, its charts, its report and its status.
  void drop_run();
  // A run has finished or been stopped, and its charts and report are still shown.
  bool holds_ended_run() const;
  // True when `action` may go on: no ended run would be lost, or the user agreed.
  bool may_discard_run(const QString& action);
  void on_started(const RunConfig& config);
  void on_epoch(const EpochMetrics& metrics);
  void on_state(RunController::State state);
  void choose_open_experiment();
  void choose_save_experiment();
  void choose_export_csv();
  void choose_export_image(bool svg);
  void show_parent_past();
  void on_finished(const RunResult& result);
  // What Save experiment writes: the settings shown, or, after a run whose switches were flipped
  // by hand, that run's settings with the flips in its schedule.
  RunConfig experiment_to_save() const;
  void build_run_list();
  void connect_run_list();
  // Draws the run in `folder` on the charts while the run list overlays it, else takes it away.
  void show_overlay(const QString& folder);
  // Another lab folder, kept in the settings.
  void change_lab_folder(const QString& folder);

  RunController* controller_ = nullptr;
  ControlPanel* controls_ = nullptr;
  ChartPanel* charts_ = nullptr;
  ReportView* report_ = nullptr;
  RunControls* run_controls_ = nullptr;
  RunStatusBar* status_ = nullptr;
  QDockWidget* controls_dock_ = nullptr;
  QDockWidget* report_dock_ = nullptr;
  RunList* runs_ = nullptr;
  RunListView* runs_view_ = nullptr;
  QDockWidget* runs_dock_ = nullptr;
  PresentationMode* presentation_ = nullptr;
  PresetBanner* preset_label_ = nullptr;
  QLabel* fork_label_ = nullptr;
  LessonControls* lesson_controls_ = nullptr;
  std::vector<StepMetrics> steps_;  // the run's step reports, for the CSV export
  bool remembers_settings_ = true;
  BreakpointBanner* breakpoint_banner_ = nullptr;
  QString fork_parent_;
  int fork_epoch_ = -1;
  RunResult parent_;     // a fork's parent, read from its folder
  int epochs_done_ = 0;  // epochs this window's run has finished (a fork: from its point)
  std::optional<RunConfig> lesson_;  // the last run's settings with its hand flips, if it had any
  int preset_ = -1;                  // the preset applied last, until an experiment is loaded
  RunConfig before_preset_;          // the settings it was applied to
  QPointer<ComparisonWindow> comparison_;
  QAction* export_csv_ = nullptr;
  QString last_dir_;
  bool default_docks_ = false;  // no saved layout: size the docks at the first show
};

}  // namespace moelab::ui
