#pragma once
// The lab's runs, TensorBoard-style: every run folder in the lab folder (the window's runs folder)
// and every run folder opened from elsewhere (moelab-cli's), newest first. Each run has a name
// (by default its settings that differ from the defaults), notes, and whether its curves are
// overlaid on the time charts, in a colour of its own.
//
// Nothing here lives only in memory: the name and notes are kept in the run's own folder
// (lab.json), the folders opened from elsewhere in the settings (runs/opened), so the list is the
// same after the next launch.

#include <QAbstractListModel>
#include <QColor>
#include <QString>
#include <QStringList>
#include <vector>

#include "config/run_config.h"

namespace moelab::ui {

class RunList : public QAbstractListModel {
  Q_OBJECT

 public:
  static constexpr const char* kOpenedKey = "runs/opened";
  static constexpr const char* kLabFile = "lab.json";  // {"name": ..., "notes": ...}

  enum Role {
    FolderRole = Qt::UserRole + 1,
    NotesRole,
    StateRole,    // "finished, 12 of 12 epochs" and the like
    CurrentRole,  // the run the window is showing
  };

  explicit RunList(QObject* parent = nullptr);

  // Lists the run folders in `folder` and those opened from elsewhere (overlays of runs still
  // listed stay).
  void set_lab_folder(const QString& folder);
  const QString& lab_folder() const { return lab_folder_; }

  // Adds the run kept in `folder` (written by moelab-cli or the window) and overlays it; a run
  // already listed is only overlaid. Returns its row, or -1 with one sentence in `error` when the
  // folder holds no readable run.
  int open(const QString& folder, QString* error);
  // The window's run that has just started in `folder` becomes the current run (listed, not
  // overlaid: it is on the charts already). Empty: none.
  void set_current(const QString& folder, const moelab::RunConfig& config);
  void clear_current() { set_current({}, {}); }
  // Reads `folder`'s status again (its run has moved on or ended).
  void refresh(const QString& folder);

  int count() const { return static_cast<int>(runs_.size()); }
  int row_of(const QString& folder) const;
  QString folder(int row) const;
  QString name(int row) const;
  QString notes(int row) const;
  QString state(int row) const;
  bool overlaid(int row) const;
  QColor color(int row) const;  // invalid until the run is first overlaid
  bool is_current(int row) const;
  bool in_lab_folder(int row) const;

  // Both write lab.json into the run's folder. An empty name goes back to the settings' name.
  // On failure: false, one sentence in `error`, the change kept for this session only.
  bool set_name(int row, const QString& name, QString* error = nullptr);
  bool set_notes(int row, const QString& notes, QString* error = nullptr);
  void set_overlaid(int row, bool on);
  // A run inside the lab folder is deleted from the disk; one opened from elsewhere only leaves
  // the list. The current run and a run another process is writing are refused. False with one
  // sentence in `error` when nothing was removed.
  bool remove(int row, QString* error);

  // The name a run gets from its settings: those that differ from the defaults (and change what
  // the run learns), e.g. "Top-k 1, Seed 3, Cooldown off"; "Default settings" when none do.
  static QString name_from_settings(const moelab::RunConfig& config);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

 Q_SIGNALS:
  // A run's overlay appeared, went, or was renamed: the charts follow (row_of() < 0: it left).
  void overlayChanged(const QString& folder);
  // A run's name or notes could not be written to its folder (one sentence).
  void saveFailed(const QString& message);

 private:
  struct Run {
    QString folder;  // absolute, clean
    QString settings_name;
    QString name;  // chosen by the user; empty: settings_name
    QString notes;
    QString started;  // ISO 8601 UTC: the order of the list
    QString state;
    bool overlaid = false;
    QColor color;
  };

  // The run kept in `folder`, or an error (one sentence) when it holds none.
  static bool read_run(const QString& folder, Run* run, QString* error);
  static QString state_text(const QString& folder);
  bool write_lab_file(const Run& run, QString* error);
  int sorted_row(const Run& run) const;  // where `run` goes in the list
  bool valid(int row) const;
  const Run& at(int row) const;
  QColor unused_color() const;
  QStringList opened_folders() const;
  void remember_opened(const QStringList& folders) const;
  bool inside_lab(const QString& folder) const;
  void changed(int row);

  QString lab_folder_;
  QString current_;
  std::vector<Run> runs_;
};

}  // namespace moelab::ui
