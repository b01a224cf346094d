#include "runs/run_list.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <algorithm>
#include <array>
#include <exception>
#include <string_view>

#include "config/config_json.h"
#include "config/setting_catalog.h"
#include "io/folder_lock.h"
#include "io/run_folder.h"
#include "io/run_folder_reader.h"
#include "io/run_status.h"

namespace moelab::ui {

namespace {

// Settings that change how fast or how verbosely a run goes, not what it learns: left out of
// its name.
constexpr std::array<std::string_view, 3> kUnnamedSettings = {
    "training.threads", "training.log_interval", "training.dispatch"};
constexpr int kNamedSettings = 4;  // more would not fit a list row

// Distinct from the current run's own curves (green, ink) and from one another; strong enough
// for a projector.
const QColor kOverlayColors[] = {QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x72, 0xB2),
                                 QColor(0xCC, 0x79, 0xA7), QColor(0xE6, 0x9F, 0x00),
                                 QColor(0x56, 0xB4, 0xE9), QColor(0x8C, 0x56, 0x4B),
                                 QColor(0x94, 0x67, 0xBD), QColor(0xBC, 0xBD, 0x22)};

std::string encoded(const QString& path) { return QFile::encodeName(path).toStdString(); }

QString clean_absolute(const QString& folder) {
  return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

// An exception's message as the end of a sentence.
QString reason(const std::exception& e) {
  QString text = QString::fromUtf8(e.what()).trimmed();
  while (text.endsWith(QLatin1Char('.'))) text.chop(1);
  return text;
}

}  // namespace

RunList::RunList(QObject* parent) : QAbstractListModel(parent) {}

QString RunList::name_from_settings(const moelab::RunConfig& config) {
  const moelab::RunConfig defaults;
  QStringList parts;
  int more = 0;
  for (const Setting& s : setting_catalog()) {
    if (std::find(kUnnamedSettings.begin(), kUnnamedSettings.end(), s.key) !=
        kUnnamedSettings.end()) {
      continue;
    }
    const std::string text = setting_text(s, config);
    if (text == setting_text(s, defaults)) continue;
    if (parts.size() < kNamedSettings) {
      parts << QStringLiteral("%1 %2").arg(QString::fromStdString(s.label),
                                           QString::fromStdString(text));
    } else {
      ++more;
    }
  }
  if (config.fork) parts.prepend(tr("Fork after epoch %1").arg(config.fork->at_epoch));
  if (parts.isEmpty()) return tr("Default settings");
  QString name = parts.join(QStringLiteral(", "));
  if (more > 0) name += tr(" (+%1 more)").arg(more);
  return name;
}

QString RunList::state_text(const QString& folder) {
  try {
    const auto status = read_run_status(encoded(folder));
    if (!status) return tr("no status");
    const int last = status->last_epoch;
    const int total = status->total_epochs;
    switch (status->state) {
      case RunState::Finished:
        return tr("finished, %1 epochs").arg(last);
      case RunState::Failed:
        return tr("failed after epoch %1 of %2").arg(last).arg(total);
      case RunState::Running:
        // A status that says running with no process holding the folder: the process died.
        if (FolderLock::held_elsewhere(encoded(folder))) {
          return tr("running, epoch %1 of %2").arg(last).arg(total);
        }
        [[fallthrough]];
      case RunState::Interrupted:
        return tr("interrupted after epoch %1 of %2").arg(last).arg(total);
    }
  } catch (const std::exception& e) {
    return tr("unreadable status: %1").arg(reason(e));
  }
  return {};
}

bool RunList::read_run(const QString& folder, Run* run, QString* error) {
  const QString shown = QDir::toNativeSeparators(folder);
  auto fail = [&](const QString& sentence) {
    if (error) *error = sentence;
    return false;
  };
  const QFileInfo info(folder);
  if (!info.exists()) return fail(tr("%1 does not exist.").arg(shown));
  if (!info.isDir()) {
    return fail(tr("%1 is a file, not a run folder: open the folder that holds it.").arg(shown));
  }
  if (!QFileInfo::exists(QDir(folder).filePath(QString::fromLatin1(RunFiles::status)))) {
    return fail(tr("%1 is not a run folder: it has no status.json, which moelab-cli and the "
                   "window write into every run.")
                    .arg(shown));
  }
  try {
    // Everything the charts would read, so that a folder that opens can also be overlaid.
    const auto contents = read_run_folder(encoded(folder));
    run->folder = folder;
    run->settings_name = name_from_settings(contents.result.config);
    run->started = QString::fromStdString(contents.status.started);
  } catch (const std::exception& e) {
    return fail(tr("%1 cannot be opened as a run: %2.").arg(shown, reason(e)));
  }
  run->state = state_text(folder);
  QFile lab(QDir(folder).filePath(QString::fromLatin1(kLabFile)));
  if (lab.open(QIODevice::ReadOnly)) {
    // A damaged lab.json loses only the name and notes it held, never the run.
    const QJsonObject object = QJsonDocument::fromJson(lab.readAll()).object();
    run->name = object.value(QStringLiteral("name")).toString();
    run->notes = object.value(QStringLiteral("notes")).toString();
  }
  return true;
}

bool RunList::write_lab_file(const Run& run, QString* error) {
  QJsonObject object;
  if (!run.name.isEmpty()) object.insert(QStringLiteral("name"), run.name);
  if (!run.notes.isEmpty()) object.insert(QStringLiteral("notes"), run.notes);
  QSaveFile file(QDir(run.folder).filePath(QString::fromLatin1(kLabFile)));
  if (!file.open(QIODevice::WriteOnly) ||
      file.write(QJsonDocument(object).toJson()) < 0 || !file.commit()) {
    const QString message =
        tr("The name and notes could not be saved in %1 (%2); they are kept until the window "
           "closes.")
            .arg(QDir::toNativeSeparators(run.folder), file.errorString());
    if (error) *error = message;
    Q_EMIT saveFailed(message);
    return false;
  }
  return true;
}

bool RunList::inside_lab(const QString& folder) const {
  if (lab_folder_.isEmpty()) return false;
  const QString lab = QFileInfo(lab_folder_).canonicalFilePath();
  const QString run = QFileInfo(folder).canonicalFilePath();
  return !lab.isEmpty() && !run.isEmpty() && run.startsWith(lab + QLatin1Char('/'));
}

QStringList RunList::opened_folders() const {
  return QSettings().value(QString::fromLatin1(kOpenedKey)).toStringList();
}

void RunList::remember_opened(const QStringList& folders) const {
  QSettings().setValue(QString::fromLatin1(kOpenedKey), folders);
}

void RunList::set_lab_folder(const QString& folder) {
  lab_folder_ = folder.isEmpty() ? QString() : clean_absolute(folder);
  beginResetModel();
  std::vector<Run> kept = std::move(runs_);
  runs_.clear();
  QStringList folders;
  if (!lab_folder_.isEmpty()) {
    const QDir lab(lab_folder_);
    for (const QString& name : lab.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
      folders << lab.filePath(name);
    }
  }
  // A folder opened from elsewhere that is missing now (an unplugged disk) stays remembered.
  folders << opened_folders();
  if (!current_.isEmpty()) folders << current_;
  for (const QString& f : folders) {
    Run run;
    if (row_of(f) >= 0) continue;
    const auto old = std::find_if(kept.begin(), kept.end(),
                                  [&](const Run& r) { return r.folder == clean_absolute(f); });
    if (old != kept.end()) {
      run = *old;
      run.state = state_text(run.folder);
    } else if (!read_run(clean_absolute(f), &run, nullptr)) {
      continue;  // not a run folder (or not one yet): the lab folder may hold other things
    }
    runs_.insert(runs_.begin() + sorted_row(run), std::move(run));
  }
  endResetModel();
  for (const Run& run : kept) {
    if (run.overlaid) Q_EMIT overlayChanged(run.folder);
  }
}

int RunList::sorted_row(const Run& run) const {
  // Newest first; a run without a start time (the window's, before its status is written) is
  // the newest.
  const auto at = std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) {
    return run.started.isEmpty() || (!r.started.isEmpty() && r.started < run.started);
  });
  return static_cast<int>(at - runs_.begin());
}

int RunList::open(const QString& path, QString* error) {
  const QString folder = clean_absolute(path);
  int row = row_of(folder);
  if (row < 0) {
    Run run;
    if (!read_run(folder, &run, error)) return -1;
    row = sorted_row(run);
    beginInsertRows({}, row, row);
    runs_.insert(runs_.begin() + row, std::move(run));
    endInsertRows();
    if (!inside_lab(folder)) {
      QStringList opened = opened_folders();
      if (!opened.contains(folder)) remember_opened(opened << folder);
    }
  }
  if (!is_current(row)) set_overlaid(row, true);
  return row;
}

void RunList::set_current(const QString& path, const moelab::RunConfig& config) {
  const QString folder = path.isEmpty() ? QString() : clean_absolute(path);
  const QString previous = current_;
  current_ = folder;
  if (const int old = row_of(previous); old >= 0) {
    runs_[static_cast<std::size_t>(old)].state = state_text(previous);
    changed(old);
  }
  if (folder.isEmpty()) return;
  if (row_of(folder) < 0) {
    // Its status.json may not be written yet: the settings are known, the start is now.
    Run run;
    run.folder = folder;
    run.settings_name = name_from_settings(config);
    run.state = tr("running");
    beginInsertRows({}, 0, 0);
    runs_.insert(runs_.begin(), std::move(run));
    endInsertRows();
  }
  const int row = row_of(folder);
  set_overlaid(row, false);
  changed(row);
}

void RunList::refresh(const QString& folder) {
  const int row = row_of(folder);
  if (row < 0) return;
  Run& run = runs_[static_cast<std::size_t>(row)];
  run.state = state_text(run.folder);
  if (run.started.isEmpty()) {
    try {
      if (const auto status = read_run_status(encoded(run.folder))) {
        run.started = QString::fromStdString(status->started);
      }
    } catch (const std::exception&) {
      // Its state already says the status cannot be read.
    }
  }
  changed(row);
}

int RunList::row_of(const QString& folder) const {
  if (folder.isEmpty()) return -1;
  const QString clean = clean_absolute(folder);
  for (int i = 0; i < count(); ++i) {
    if (runs_[static_cast<std::size_t>(i)].folder == clean) return i;
  }
  return -1;
}

bool RunList::valid(int row) const { return row >= 0 && row < count(); }

const RunList::Run& RunList::at(int row) const { return runs_[static_cast<std::size_t>(row)]; }

QString RunList::folder(int row) const { return valid(row) ? at(row).folder : QString(); }

QString RunList::name(int row) const {
  if (!valid(row)) return {};
  return at(row).name.isEmpty() ? at(row).settings_name : at(row).name;
}

QString RunList::notes(int row) const { return valid(row) ? at(row).notes : QString(); }
QString RunList::state(int row) const { return valid(row) ? at(row).state : QString(); }
bool RunList::overlaid(int row) const { return valid(row) && at(row).overlaid; }
QColor RunList::color(int row) const { return valid(row) ? at(row).color : QColor(); }

bool RunList::is_current(int row) const {
  return valid(row) && !current_.isEmpty() && at(row).folder == current_;
}

bool RunList::in_lab_folder(int row) const { return valid(row) && inside_lab(at(row).folder); }

bool RunList::set_name(int row, const QString& name, QString* error) {
  if (row < 0 || row >= count()) return false;
  Run& run = runs_[static_cast<std::size_t>(row)];
  const QString chosen = name.trimmed() == run.settings_name ? QString() : name.trimmed();
  if (chosen == run.name) return true;
  run.name = chosen;
  changed(row);
  if (run.overlaid) Q_EMIT overlayChanged(run.folder);
  return write_lab_file(run, error);
}

bool RunList::set_notes(int row, const QString& notes, QString* error) {
  if (row < 0 || row >= count()) return false;
  Run& run = runs_[static_cast<std::size_t>(row)];
  if (notes == run.notes) return true;
  run.notes = notes;
  changed(row);
  return write_lab_file(run, error);
}

QColor RunList::unused_color() const {
  for (const QColor& color : kOverlayColors) {
    const bool used = std::any_of(runs_.begin(), runs_.end(), [&](const Run& r) {
      return r.overlaid && r.color == color;
    });
    if (!used) return color;
  }
  int overlaid = 0;
  for (const Run& r : runs_) overlaid += r.overlaid ? 1 : 0;
  return kOverlayColors[overlaid % static_cast<int>(std::size(kOverlayColors))];
}

void RunList::set_overlaid(int row, bool on) {
  if (row < 0 || row >= count()) return;
  if (on && is_current(row)) return;  // on the charts already, on top
  Run& run = runs_[static_cast<std::size_t>(row)];
  if (run.overlaid == on) return;
  if (on) {
    const QColor color = unused_color();
    run.color = color;
  }
  run.overlaid = on;
  changed(row);
  Q_EMIT overlayChanged(run.folder);
}

bool RunList::remove(int row, QString* error) {
  if (row < 0 || row >= count()) return false;
  const QString folder = runs_[static_cast<std::size_t>(row)].folder;
  const QString shown = QDir::toNativeSeparators(folder);
  auto fail = [&](const QString& sentence) {
    if (error) *error = sentence;
    return false;
  };
  if (is_current(row)) {
    return fail(tr("This is the run on the charts: start another run or reset before deleting "
                   "it."));
  }
  const bool delete_folder = inside_lab(folder);
  if (delete_folder) {
    if (FolderLock::held_elsewhere(encoded(folder))) {
      return fail(tr("A process is still writing %1: stop it before deleting the run.").arg(shown));
    }
    if (!QDir(folder).removeRecursively()) {
      // What could not go is still there and still a run folder as far as it goes.
      refresh(folder);
      return fail(tr("%1 could not be deleted completely: check its permissions.").arg(shown));
    }
  }
  QStringList opened = opened_folders();
  if (opened.removeAll(folder) > 0) remember_opened(opened);
  const bool was_overlaid = runs_[static_cast<std::size_t>(row)].overlaid;
  beginRemoveRows({}, row, row);
  runs_.erase(runs_.begin() + row);
  endRemoveRows();
  if (was_overlaid) Q_EMIT overlayChanged(folder);
  return true;
}

void RunList::changed(int row) {
  const QModelIndex at = index(row);
  Q_EMIT dataChanged(at, at);
}

// --- the model ---

int RunList::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count(); }

QVariant RunList::data(const QModelIndex& index, int role) const {
  const int row = index.row();
  if (!index.isValid() || row >= count()) return {};
  const Run& run = runs_[static_cast<std::size_t>(row)];
  switch (role) {
    case Qt::DisplayRole:
      return is_current(row) ? tr("%1 (on the charts)").arg(name(row)) : name(row);
    case Qt::EditRole:
      return name(row);
    case Qt::ToolTipRole:
      return tr("<b>%1</b><br>%2<br>%3<br><small>%4</small>")
          .arg(name(row).toHtmlEscaped(), run.settings_name.toHtmlEscaped(),
               run.state.toHtmlEscaped(), QDir::toNativeSeparators(run.folder).toHtmlEscaped());
    case Qt::CheckStateRole:
      // No box for the current run: it is on the charts already, on top of the others.
      if (is_current(row)) return {};
      return run.overlaid ? Qt::Checked : Qt::Unchecked;
    case Qt::DecorationRole:
      return run.overlaid ? QVariant(run.color) : QVariant();
    case Qt::FontRole: {
      if (!is_current(row)) return {};
      QFont bold;
      bold.setBold(true);
      return bold;
    }
    case FolderRole:
      return run.folder;
    case NotesRole:
      return run.notes;
    case StateRole:
      return run.state;
    case CurrentRole:
      return is_current(row);
    default:
      return {};
  }
}

bool RunList::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.row() >= count()) return false;
  if (role == Qt::CheckStateRole) {
    set_overlaid(index.row(), value.toInt() == Qt::Checked);
    return true;
  }
  if (role == Qt::EditRole) return set_name(index.row(), value.toString());
  if (role == NotesRole) return set_notes(index.row(), value.toString());
  return false;
}

Qt::ItemFlags RunList::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
  if (!is_current(index.row())) flags |= Qt::ItemIsUserCheckable;
  return flags;
}

}  // namespace moelab::ui
