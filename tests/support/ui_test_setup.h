#pragma once
// What the window suites share: settings of their own (never the user's), runs kept in a
// temporary folder, and the small runs they start.

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>

#include "config/run_config.h"

// The suite's own settings, empty at its start: a test never reads or writes the user's.
inline void use_test_settings(const char* suite) {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("MoE Growth Lab Tests"));
  QCoreApplication::setApplicationName(QString::fromLatin1(suite));
  QSettings().clear();
}

// Each run keeps its folder: in `dir`, not in the user's data folder.
inline void keep_runs_in(const QTemporaryDir& dir) {
  QSettings().setValue(QStringLiteral("runs/folder"), dir.filePath(QStringLiteral("runs")));
}

// A run of five epochs on the embedded digits: it ends within a second or two.
inline moelab::RunConfig tiny_config() {
  moelab::RunConfig c;
  c.training.seed_epochs = 2;
  c.training.growth_epochs = 3;
  c.training.threads = 1;
  return c;
}

// Long enough that no test sees it end: every test stops or drops it.
inline moelab::RunConfig long_config() {
  moelab::RunConfig c;
  c.training.seed_epochs = 400;
  c.training.growth_epochs = 400;
  c.training.threads = 1;
  return c;
}
