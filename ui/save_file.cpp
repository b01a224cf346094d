#include "save_file.h"

#include <QDir>
#include <QSaveFile>

namespace moelab::ui {

bool save_file(const QString& path, const QByteArray& bytes, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    if (error) {
      *error = QObject::tr("Could not write %1: %2.")
                   .arg(QDir::toNativeSeparators(path), file.errorString());
    }
    return false;
  }
  return true;
}

}  // namespace moelab::ui
