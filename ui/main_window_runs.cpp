// MainWindow's run list: every run of the lab folder and every run folder opened from elsewhere,
// in a dock beside the report; a ticked run is drawn under the current one on the time charts.
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QSettings>
#include <exception>

#include "charts/chart_panel.h"
#include "io/run_folder_reader.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_status_bar.h"
#include "runs/run_list.h"
#include "runs/run_list_view.h"

namespace moelab::ui {

void MainWindow::build_run_list() {
  runs_ = new RunList(this);
  runs_view_ = new RunListView(runs_);
  // A tab beside the report: the charts keep their width on a small screen.
  runs_dock_ =
      add_dock(tr("Runs"), QStringLiteral("runsDock"), runs_view_, Qt::RightDockWidgetArea);
  tabifyDockWidget(report_dock_, runs_dock_);
  report_dock_->raise();
}

void MainWindow::connect_run_list() {
  RunController* c = controller_;
  connect(c, &RunController::started, this, [this](const RunConfig& config) {
    runs_->set_current(controller_->run_folder(), config);
  });
  // Its state in the list follows the run (its status.json is written after every epoch).
  auto follow = [this] { runs_->refresh(controller_->run_folder()); };
  connect(c, &RunController::epochReported, this, follow);
  connect(c, &RunController::finished, this, follow);
  connect(c, &RunController::failed, this, follow);
  connect(runs_, &RunList::overlayChanged, this, &MainWindow::show_overlay);
  connect(runs_view_, &RunListView::labFolderChosen, this, &MainWindow::change_lab_folder);
}

void MainWindow::set_runs_folder(const QString& folder) {
  controller_->set_runs_folder(folder);
  runs_->set_lab_folder(folder);
  runs_view_->show_lab_folder();
}

bool MainWindow::open_run(const QString& path, QString* error) {
  const int row = runs_->open(path, error);
  if (row < 0) return false;
  runs_view_->select(row);
  // The run just opened is overlaid: the list that says so (and can untick it) comes to the front.
  // (A dock closed by the user comes back; one behind another tab is only raised.)
  if (!runs_dock_->toggleViewAction()->isChecked()) runs_dock_->show();
  runs_dock_->raise();
  return true;
}

void MainWindow::show_overlay(const QString& folder) {
  const int row = runs_->row_of(folder);
  if (!runs_->overlaid(row)) {
    charts_->remove_overlay_run(folder);
    return;
  }
  try {
    const auto contents = read_run_folder(QFile::encodeName(folder).toStdString());
    charts_->set_overlay_run(folder, runs_->name(row), runs_->color(row), contents.result.epochs);
  } catch (const std::exception& e) {
    // Changed or damaged since it was listed: the box goes back, the message says why.
    status_->showMessage(
        tr("The run \"%1\" cannot be drawn: %2").arg(runs_->name(row), QString::fromUtf8(e.what())),
        8000);
    runs_->set_overlaid(row, false);
  }
}

}  // namespace moelab::ui
