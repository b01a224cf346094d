// MainWindow's forks: "Fork from here" opens a new window that continues this run from an
// earlier epoch, with the parent's past drawn as its own and the whole parent faint behind.
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <algorithm>
#include <stdexcept>

#include "charts/chart_panel.h"
#include "control_panel.h"
#include "io/durable_run.h"
#include "io/run_folder_reader.h"
#include "main_window.h"
#include "run_controller.h"

namespace moelab::ui {

MainWindow* MainWindow::fork_from(int epoch) {
  const QString parent = controller_->run_folder();
  if (parent.isEmpty()) {
    QMessageBox::information(this, tr("Fork"),
                             tr("This run was kept in memory only (no runs folder is set), so "
                                "there is no state to fork from."));
    return nullptr;
  }
  epoch = std::clamp(epoch, 0, epochs_done_);
  auto* fork = new MainWindow;
  fork->setAttribute(Qt::WA_DeleteOnClose);
  fork->set_runs_folder(controller_->runs_folder());
  QString error;
  if (!fork->prepare_fork(parent, epoch, &error)) {
    delete fork;
    QMessageBox::warning(this, tr("Fork"), error);
    return nullptr;
  }
  // Beside its parent, so that the class sees both.
  fork->resize(size());
  fork->move(pos() + QPoint(48, 48));
  fork->show();
  return fork;
}

bool MainWindow::prepare_fork(const QString& parent_folder, int epoch, QString* error) {
  try {
    const std::string folder = QFile::encodeName(parent_folder).toStdString();
    parent_ = read_run_folder(folder).result;
    if (epoch > static_cast<int>(parent_.epochs.size())) {
      throw std::invalid_argument("the parent has finished " +
                                  std::to_string(parent_.epochs.size()) + " epochs");
    }
    RunConfig config = parent_.config;
    config.fixes = fixes_after_epoch(folder, epoch);
    controls_->set_config(config);
    preset_ = -1;
  } catch (const std::exception& e) {
    if (error) *error = tr("This run cannot be forked: %1.").arg(QString::fromUtf8(e.what()));
    return false;
  }
  fork_parent_ = parent_folder;
  fork_epoch_ = epoch;
  epochs_done_ = epoch;
  setWindowTitle(tr("MoE Growth Lab: fork after epoch %1").arg(epoch));
  // Only the switches change at a fork: the rest made the past the fork shares.
  controls_->set_running(true);
  fork_label_->setText(tr("<b>Fork of %1 after epoch %2.</b> Change the switches, then Start: "
                          "the run continues from the parent's state, and the parent's curves "
                          "stay faint behind it.")
                           .arg(QFileInfo(parent_folder).fileName().toHtmlEscaped())
                           .arg(epoch));
  fork_label_->show();
  charts_->reset({});
  charts_->set_parent_run(parent_.epochs);
  charts_->configure(parent_.config);
  show_parent_past();
  charts_->flush();
  return true;
}

void MainWindow::show_parent_past() {
  if (!is_fork()) return;
  // The fork's first epochs are its parent's, in the order a run reports them: each epoch, then
  // the splits and the switch changes after it (a prune renumbers the experts of the epochs that
  // follow it).
  for (const auto& m : parent_.epochs) {
    if (m.epoch > fork_epoch_) break;
    charts_->add_epoch(m);
    if (m.epoch == parent_.config.training.seed_epochs) charts_->set_seed_accuracy(m.val_accuracy);
    for (const auto& s : parent_.splits) {
      if (s.epoch == m.epoch) charts_->add_split(s);
    }
    for (const auto& s : parent_.switches) {
      if (s.epoch == m.epoch) charts_->add_switch(s);
    }
  }
}

}  // namespace moelab::ui
