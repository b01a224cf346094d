#include "runs/run_list_view.h"

#include <QAbstractItemView>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "runs/run_list.h"

namespace moelab::ui {

namespace {

// A path that wraps at its separators (a zero-width space after each): in a narrow dock a long
// folder name must not widen the dock, nor be cut.
QString breakable_path(const QString& folder) {
  QString shown = QDir::toNativeSeparators(folder);
  shown.replace(QDir::separator(), QString(QDir::separator()) + QChar(0x200B));
  return shown;
}

// A label that wraps and never asks for more width than the dock gives it.
QLabel* wrapping_label(const QString& name) {
  auto* label = new QLabel;
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  return label;
}

}  // namespace

RunListView::RunListView(RunList* list, QWidget* parent) : QWidget(parent), list_(list) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* lab_row = new QHBoxLayout;
  lab_label_ = wrapping_label(QStringLiteral("labFolderLabel"));
  lab_button_ = new QPushButton(tr("Change..."));
  lab_button_->setToolTip(tr("Keep the window's runs in another folder."));
  lab_row->addWidget(lab_label_, 1);
  lab_row->addWidget(lab_button_);
  layout->addLayout(lab_row);

  view_ = new QListView;
  view_->setModel(list_);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
  view_->setUniformItemSizes(true);
  view_->setToolTip(tr("Tick a run to draw it under the current run on the time charts. "
                       "Double-click a name to change it."));
  layout->addWidget(view_, 3);

  detail_ = wrapping_label(QStringLiteral("runDetail"));
  layout->addWidget(detail_);

  notes_ = new QPlainTextEdit;
  notes_->setPlaceholderText(tr("Notes on the selected run"));
  notes_->setTabChangesFocus(true);
  notes_->setEnabled(false);
  layout->addWidget(notes_, 1);

  auto* buttons = new QHBoxLayout;
  open_ = new QPushButton(tr("Open run..."));
  open_->setToolTip(tr("Add a run folder written by moelab-cli (or another lab) and overlay it."));
  delete_ = new QPushButton(tr("Delete..."));
  delete_->setEnabled(false);
  buttons->addWidget(open_);
  buttons->addStretch(1);
  buttons->addWidget(delete_);
  layout->addLayout(buttons);

  connect(open_, &QPushButton::clicked, this, &RunListView::choose_and_open);
  connect(delete_, &QPushButton::clicked, this, &RunListView::delete_selected);
  connect(lab_button_, &QPushButton::clicked, this, &RunListView::choose_lab_folder);
  connect(notes_, &QPlainTextEdit::textChanged, this, &RunListView::save_notes);
  connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          &RunListView::show_selected);
  connect(list_, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from) {
    if (from.row() == selected_row()) show_selected();
  });
  connect(list_, &QAbstractItemModel::modelReset, this, &RunListView::show_selected);
  connect(list_, &QAbstractItemModel::rowsRemoved, this, &RunListView::show_selected);
  connect(list_, &RunList::saveFailed, detail_, &QLabel::setText);
  show_lab_folder();
}

int RunListView::selected_row() const {
  const QModelIndex current = view_->selectionModel()->currentIndex();
  return current.isValid() ? current.row() : -1;
}

void RunListView::select(int row) {
  const QModelIndex index = list_->index(row);
  view_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
  view_->scrollTo(index);
}

void RunListView::show_lab_folder() {
  const QString folder = list_->lab_folder();
  lab_label_->setText(folder.isEmpty()
                          ? tr("Runs are kept in memory only.")
                          : tr("Runs are kept in %1").arg(breakable_path(folder)));
}

void RunListView::show_selected() {
  const int row = selected_row();
  showing_ = true;
  notes_->setEnabled(row >= 0);
  // Only when it differs: the model reports each note typed back, and the cursor stays put.
  if (notes_->toPlainText() != list_->notes(row)) notes_->setPlainText(list_->notes(row));
  showing_ = false;
  delete_->setEnabled(row >= 0 && !list_->is_current(row));
  delete_->setText(row >= 0 && !list_->in_lab_folder(row) ? tr("Remove...") : tr("Delete..."));
  detail_->setText(row < 0 ? QString()
                           : tr("%1\n%2").arg(list_->state(row), breakable_path(list_->folder(row))));
}

void RunListView::save_notes() {
  if (showing_) return;
  list_->set_notes(selected_row(), notes_->toPlainText());
}

void RunListView::choose_and_open() {
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Open run folder"), last_dir_.isEmpty() ? list_->lab_folder() : last_dir_);
  if (folder.isEmpty()) return;
  last_dir_ = QFileInfo(folder).absolutePath();
  open_folder(folder);
}

void RunListView::open_folder(const QString& folder) {
  QString error;
  const int row = list_->open(folder, &error);
  if (row < 0) {
    QMessageBox::warning(this, tr("Open run"), error);
    return;
  }
  select(row);
}

void RunListView::delete_selected() {
  const int row = selected_row();
  if (row < 0) return;
  const bool in_lab = list_->in_lab_folder(row);
  const QString folder = QDir::toNativeSeparators(list_->folder(row));
  QMessageBox box(this);
  box.setIcon(QMessageBox::Question);
  box.setWindowTitle(in_lab ? tr("Delete run") : tr("Remove run"));
  box.setText(in_lab ? tr("Delete the run \"%1\"?").arg(list_->name(row))
                     : tr("Remove the run \"%1\" from the list?").arg(list_->name(row)));
  box.setInformativeText(in_lab ? tr("Its folder %1 is deleted from the disk, checkpoints and "
                                     "all.")
                                      .arg(folder)
                                : tr("Its folder %1 is not in the lab folder: it stays where it "
                                     "is.")
                                      .arg(folder));
  QPushButton* yes =
      box.addButton(in_lab ? tr("Delete") : tr("Remove"), QMessageBox::DestructiveRole);
  box.addButton(QMessageBox::Cancel);
  box.setDefaultButton(QMessageBox::Cancel);
  box.exec();
  if (box.clickedButton() != yes) return;
  QString error;
  if (!list_->remove(row, &error)) QMessageBox::warning(this, box.windowTitle(), error);
}

void RunListView::choose_lab_folder() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Lab folder"), list_->lab_folder());
  if (!folder.isEmpty()) Q_EMIT labFolderChosen(folder);
}

}  // namespace moelab::ui
