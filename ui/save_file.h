#pragma once
// Every file the window writes goes through QSaveFile: a reader never sees half a file, and a
// failed write leaves the old file as it was.

#include <QByteArray>
#include <QString>

namespace moelab::ui {

// Returns false and sets `error` (one sentence naming the file) when the file cannot be written.
bool save_file(const QString& path, const QByteArray& bytes, QString* error);

}  // namespace moelab::ui
