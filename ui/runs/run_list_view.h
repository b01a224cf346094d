#pragma once
// The runs pane (a dock): the lab's runs with a box each to overlay it on the time charts, its
// name (double-click or F2 to edit), the selected run's state and notes, and the buttons to open
// a run folder from elsewhere, delete a run and change the lab folder.

#include <QString>
#include <QWidget>

class QLabel;
class QListView;
class QPlainTextEdit;
class QPushButton;

namespace moelab::ui {

class RunList;

class RunListView : public QWidget {
  Q_OBJECT

 public:
  explicit RunListView(RunList* list, QWidget* parent = nullptr);

  RunList* list() const { return list_; }
  QListView* list_view() const { return view_; }
  QPlainTextEdit* notes_edit() const { return notes_; }
  QPushButton* open_button() const { return open_; }
  QPushButton* delete_button() const { return delete_; }
  QLabel* lab_folder_label() const { return lab_label_; }
  // The line under the list: the selected run's state and folder, or the last problem.
  QLabel* detail_label() const { return detail_; }

  int selected_row() const;
  void select(int row);
  // Shows the lab folder's path (after it changed).
  void show_lab_folder();

 public Q_SLOTS:
  // "Open run...": a folder dialog, then RunList::open (a message box says why a folder is
  // refused).
  void choose_and_open();
  // Opens `folder`; a message box says why it is refused.
  void open_folder(const QString& folder);
  // Asks first: deleting a run in the lab folder deletes its folder, other runs only leave the
  // list.
  void delete_selected();
  void choose_lab_folder();

 Q_SIGNALS:
  // The user chose another lab folder (the window keeps it in the settings).
  void labFolderChosen(const QString& folder);

 private:
  void show_selected();
  void save_notes();

  RunList* list_ = nullptr;
  QListView* view_ = nullptr;
  QLabel* lab_label_ = nullptr;
  QLabel* detail_ = nullptr;
  QPlainTextEdit* notes_ = nullptr;
  QPushButton* open_ = nullptr;
  QPushButton* delete_ = nullptr;
  QPushButton* lab_button_ = nullptr;
  QString last_dir_;
  bool showing_ = false;  // filling the notes from the model, not the user typing
};

}  // namespace moelab::ui
