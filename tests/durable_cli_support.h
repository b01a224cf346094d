#pragma once
// What the run-folder tests share: a real moelab-cli started as a user would, a reference run,
// and the checks every folder must pass after its process died at any instant.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "io/checkpoint_file.h"
#include "io/run_folder.h"
#include "io/run_status.h"

namespace durable_test {

using namespace moelab;

// A run of 12 epochs with splits, single-threaded: the same bytes every time.
inline const QStringList kRun{"--seed-epochs", "4", "--growth-epochs", "8", "--cooldown", "2",
                              "--seed",        "3", "--threads",       "1", "--quiet"};
inline const char* kComparedFiles[] = {"metrics.csv", "events.csv", "report.json", "report.md"};

struct Finished {
  int exit_code = -1;
  QString err;
};

inline QProcessEnvironment environment(int rename_delay_ms = 0) {
  auto env = QProcessEnvironment::systemEnvironment();
  if (rename_delay_ms > 0)
    env.insert("MOELAB_TEST_RENAME_DELAY_MS", QString::number(rename_delay_ms));
  return env;
}

inline Finished run_cli(const QStringList& args, int rename_delay_ms = 0) {
  QProcess p;
  p.setProcessEnvironment(environment(rename_delay_ms));
  p.start(MOELAB_CLI_PATH, args);
  const bool finished = p.waitForFinished(180000);
  if (!finished) {
    p.kill();
    p.waitForFinished();
  }
  const auto err = QString::fromUtf8(p.readAllStandardError());
  if (!finished || p.exitStatus() != QProcess::NormalExit) {
    // The test's comparison shows only -1: say what happened and what the program said.
    qWarning("moelab-cli %s %s; its error output:\n%s", qPrintable(args.join(' ')),
             finished ? "crashed" : "did not finish in 180 s", qPrintable(err));
    return {-1, err};
  }
  return {p.exitCode(), err};
}

inline QByteArray read(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline QJsonObject json(const QString& path) {
  return QJsonDocument::fromJson(read(path)).object();
}

inline QString status_state(const QString& dir) {
  return json(dir + "/status.json")["state"].toString();
}

inline int metrics_rows(const QString& dir) {
  return static_cast<int>(RunFolder::rows(dir.toStdString(), "metrics.csv").size());
}

// Polls (without a deadline of its own: the test's timeout is the limit) until `ready`, or until
// the process has ended; then says whether `ready` holds. The poll waits on the process itself:
// without an event loop, only a wait lets QProcess learn that its process ended.
template <typename Ready>
inline bool wait_for(Ready ready, QProcess& process) {
  while (!ready()) {
    if (process.state() == QProcess::NotRunning || process.waitForFinished(5)) return ready();
  }
  return true;
}

inline QStringList temporary_files(const QString& dir) {
  QStringList found;
  for (const QString& sub : {QString(), QStringLiteral("/checkpoints")}) {
    for (const auto& name : QDir(dir + sub).entryList({"*.tmp"}, QDir::Files | QDir::Hidden)) {
      found << name;
    }
  }
  return found;
}

// What a folder must look like after its process died at any instant: whole rows only, in epoch
// order; status, config and checkpoints readable; nothing claims more than the rows hold.
inline void check_killed_folder(const QString& dir, const QByteArray& reference_config,
                                int total_epochs) {
  for (const char* file : {"metrics.csv", "events.csv", "timing.csv"}) {
    const auto bytes = read(dir + "/" + file);
    if (bytes.isEmpty()) continue;
    QVERIFY2(bytes.endsWith('\n'), qPrintable(dir + "/" + file + " ends inside a row"));
    const auto lines = bytes.split('\n');
    const auto fields = lines.front().count(',');
    for (int i = 1; i + 1 < lines.size(); ++i) {
      QVERIFY2(lines[i].count(',') == fields, qPrintable(dir + "/" + file + ": " + lines[i]));
    }
  }
  const auto metrics = RunFolder::rows(dir.toStdString(), "metrics.csv");
  for (std::size_t i = 0; i < metrics.size(); ++i)
    QCOMPARE(metrics[i].first, static_cast<int>(i) + 1);
  const int rows = static_cast<int>(metrics.size());
  const auto timing = RunFolder::rows(dir.toStdString(), "timing.csv");
  QVERIFY(static_cast<int>(timing.size()) == rows || static_cast<int>(timing.size()) == rows + 1);
  int last_event_epoch = 0;
  for (const auto& [epoch, line] : RunFolder::rows(dir.toStdString(), "events.csv")) {
    QVERIFY(epoch >= last_event_epoch && epoch <= rows + 1);
    last_event_epoch = epoch;
  }
  if (!QFileInfo::exists(dir + "/status.json")) {
    QCOMPARE(rows, 0);
    return;
  }
  const auto status = read_run_status(dir.toStdString());
  QVERIFY(status.has_value());
  QVERIFY(status->last_epoch <= rows);
  QVERIFY(status->state == RunState::Running || status->state == RunState::Finished);
  if (status->state == RunState::Finished) {
    QCOMPARE(rows, total_epochs);
    QVERIFY(!json(dir + "/report.json").isEmpty());
  }
  QCOMPARE(read(dir + "/config.json"), reference_config);
  for (const auto& name : RunFolder::checkpoints_in(dir.toStdString())) {
    const auto checkpoint = read_checkpoint((dir + "/").toStdString() + name.file());
    QVERIFY(checkpoint.state.completed_epochs <= rows);
  }
}

inline void compare_with_reference(const QString& dir, const QString& reference) {
  for (const char* file : kComparedFiles) {
    const auto expected = read(reference + "/" + file);
    QVERIFY2(!expected.isEmpty(), file);
    QVERIFY2(read(dir + "/" + file) == expected, qPrintable(dir + "/" + file + " differs"));
  }
}

// A temporary folder holding the finished reference run kRun trains: the fixture of the suites
// that kill, resume and fork runs.
class ReferenceFolder {
 public:
  QString dir(const QString& name) const { return temp_.filePath(name); }
  const QString& reference() const { return reference_; }

  // Trains the reference run; QVERIFY failures land in the calling test function.
  void train() {
    QVERIFY(temp_.isValid());
    reference_ = dir("reference");
    const auto r = run_cli(kRun + QStringList{"--out", reference_});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    QCOMPARE(status_state(reference_), QStringLiteral("finished"));
    QCOMPARE(metrics_rows(reference_), 12);
  }

 private:
  QTemporaryDir temp_;
  QString reference_;
};

}  // namespace durable_test
