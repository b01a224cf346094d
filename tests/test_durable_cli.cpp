// Run folders as a user meets them: real moelab-cli processes killed at random instants, stopped
// with signals, refused folders, write errors, forks and ablations continued after a kill. Each
// folder is reopened and checked; continued runs must end byte for byte as the run left alone.
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

#include <csignal>
#include <map>
#include <random>
#include <set>

#include "ablation/comparison_file.h"
#include "io/checkpoint_file.h"
#include "io/run_folder.h"
#include "io/run_status.h"

using namespace moelab;

namespace {

// A run of 12 epochs with splits, single-threaded: the same bytes every time.
const QStringList kRun{"--seed-epochs", "4", "--growth-epochs", "8", "--cooldown", "2", "--seed", "3",
                       "--threads", "1", "--quiet"};
const char* kComparedFiles[] = {"metrics.csv", "events.csv", "report.json", "report.md"};

struct Finished {
  int exit_code = -1;
  QString err;
};

QProcessEnvironment environment(int rename_delay_ms = 0) {
  auto env = QProcessEnvironment::systemEnvironment();
  if (rename_delay_ms > 0) env.insert("MOELAB_TEST_RENAME_DELAY_MS", QString::number(rename_delay_ms));
  return env;
}

Finished run_cli(const QStringList& args, int rename_delay_ms = 0) {
  QProcess p;
  p.setProcessEnvironment(environment(rename_delay_ms));
  p.start(MOELAB_CLI_PATH, args);
  if (!p.waitForFinished(180000)) {
    p.kill();
    p.waitForFinished();
    return {};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
          QString::fromUtf8(p.readAllStandardError())};
}

QByteArray read(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject json(const QString& path) { return QJsonDocument::fromJson(read(path)).object(); }

QString status_state(const QString& dir) { return json(dir + "/status.json")["state"].toString(); }

int metrics_rows(const QString& dir) {
  return static_cast<int>(RunFolder::rows(dir.toStdString(), "metrics.csv").size());
}

// Polls (without a deadline of its own: the test's timeout is the limit) until `ready`.
template <typename Ready>
bool wait_for(Ready ready, QProcess& process) {
  while (!ready()) {
    if (process.state() == QProcess::NotRunning) return false;
    QThread::msleep(5);
  }
  return true;
}

QStringList temporary_files(const QString& dir) {
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
void check_killed_folder(const QString& dir, const QByteArray& reference_config, int total_epochs) {
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
  for (std::size_t i = 0; i < metrics.size(); ++i) QCOMPARE(metrics[i].first, static_cast<int>(i) + 1);
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

void compare_with_reference(const QString& dir, const QString& reference) {
  for (const char* file : kComparedFiles) {
    const auto expected = read(reference + "/" + file);
    QVERIFY2(!expected.isEmpty(), file);
    QVERIFY2(read(dir + "/" + file) == expected, qPrintable(dir + "/" + file + " differs"));
  }
}

}  // namespace

class TestDurableCli : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_;
  QString reference_;

  QString dir(const QString& name) const { return temp_.filePath(name); }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(temp_.isValid());
    reference_ = dir("reference");
    const auto r = run_cli(kRun + QStringList{"--out", reference_});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    QCOMPARE(status_state(reference_), QStringLiteral("finished"));
    QCOMPARE(metrics_rows(reference_), 12);
  }

  void folderIsWrittenAsTheRunGoes() {
    // status.json says where the run stands; the last checkpoint and those at splits stay.
    const auto status = json(reference_ + "/status.json");
    QCOMPARE(status["last_epoch"].toInt(), 12);
    QCOMPARE(status["total_epochs"].toInt(), 12);
    QVERIFY(!status["started"].toString().isEmpty());
    QVERIFY(!status["version"].toString().isEmpty());
    QVERIFY(status["message"].toString().startsWith("verdict"));
    const auto names = RunFolder::checkpoints_in(reference_.toStdString());
    QVERIFY(!names.empty());
    QCOMPARE(names.back().epoch, 12);
    QVERIFY(names.size() < 12);
    QVERIFY(temporary_files(reference_).isEmpty());
  }

  void killedAtRandomInstantsLeavesWholeRowsAndResumesByteForByte() {
    // How long a run takes here, with and without a pause between each write and its rename.
    std::vector<qint64> duration(2);
    for (int slow = 0; slow < 2; ++slow) {
      QElapsedTimer timer;
      timer.start();
      QCOMPARE(run_cli(kRun + QStringList{"--out", dir(QString("timed-%1").arg(slow))}, slow ? 15 : 0).exit_code, 0);
      duration[slow] = timer.elapsed();
    }
    const auto reference_config = read(reference_ + "/config.json");
    std::mt19937 random(20240611);
    int started = 0, between_renames = 0, resumed = 0;
    const int kills = 24;
    for (int i = 0; i < kills; ++i) {
      const int slow = i % 2;  // every other run pauses between writing a file and renaming it
      std::uniform_int_distribution<qint64> instant(0, duration[slow]);
      const auto folder = dir(QString("killed-%1").arg(i));
      QProcess p;
      p.setProcessEnvironment(environment(slow ? 15 : 0));
      p.start(MOELAB_CLI_PATH, kRun + QStringList{"--out", folder});
      QVERIFY(p.waitForStarted());
      QThread::msleep(static_cast<unsigned long>(instant(random)));
      p.kill();  // SIGKILL
      p.waitForFinished();
      if (!temporary_files(folder).isEmpty()) ++between_renames;
      check_killed_folder(folder, reference_config, 12);
      if (QTest::currentTestFailed()) {
        qWarning() << "folder" << folder;
        return;
      }
      if (!QFileInfo::exists(folder + "/status.json")) continue;  // killed before it started
      ++started;
      if (status_state(folder) == QLatin1String("finished")) {
        compare_with_reference(folder, reference_);
        continue;
      }
      const auto r = run_cli({"--resume", folder, "--quiet"});
      QVERIFY2(r.exit_code == 0, qPrintable(folder + ": " + r.err));
      QCOMPARE(status_state(folder), QStringLiteral("finished"));
      compare_with_reference(folder, reference_);
      QVERIFY(temporary_files(folder).isEmpty());
      ++resumed;
    }
    qInfo("%d kills: %d after the run started, %d between a write and its rename, %d resumed",
          kills, started, between_renames, resumed);
    QVERIFY(started >= 20);
    QVERIFY(resumed >= 15);
    QVERIFY(between_renames >= 3);
  }

  void sigintWritesACheckpointAndExits130ThenResumes() {
    const auto folder = dir("sigint");
    QProcess p;
    p.setProcessEnvironment(environment(20));  // slows each epoch so the signal lands inside the run
    p.start(MOELAB_CLI_PATH, kRun + QStringList{"--out", folder});
    QVERIFY(wait_for([&] { return metrics_rows(folder) >= 3; }, p));
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 130);
    const auto err = QString::fromUtf8(p.readAllStandardError()).trimmed();
    QVERIFY2(err.contains("continue with: moelab-cli --resume " + folder), qPrintable(err));
    QCOMPARE(err.count('\n'), 0);  // one line
    QCOMPARE(status_state(folder), QStringLiteral("interrupted"));
    const auto status = json(folder + "/status.json");
    QVERIFY(status["message"].toString().contains("--resume"));
    const auto newest = RunFolder::checkpoints_in(folder.toStdString()).back();
    QCOMPARE(status["checkpoint"].toString(), QString::fromStdString(newest.file()));
    const auto checkpoint = read_checkpoint((folder + "/").toStdString() + newest.file());
    QCOMPARE(checkpoint.state.step, static_cast<std::int64_t>(status["step"].toInteger()));
    QVERIFY(checkpoint.state.completed_epochs >= 3);
    // A new run into the interrupted folder is refused and says how to continue.
    const auto refused = run_cli(kRun + QStringList{"--out", folder});
    QCOMPARE(refused.exit_code, 2);
    QVERIFY2(refused.err.contains("--resume"), qPrintable(refused.err));
    const auto r = run_cli({"--resume", folder, "--quiet"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    compare_with_reference(folder, reference_);
  }

  void sigtermAndSighupStopLikeSigint_data() {
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("exit_code");
    QTest::newRow("SIGTERM") << static_cast<int>(SIGTERM) << 143;
    QTest::newRow("SIGHUP") << static_cast<int>(SIGHUP) << 129;
  }
  void sigtermAndSighupStopLikeSigint() {
    QFETCH(int, signal);
    QFETCH(int, exit_code);
    const auto folder = dir(QString("signal-%1").arg(signal));
    QProcess p;
    p.setProcessEnvironment(environment(20));
    p.start(MOELAB_CLI_PATH, kRun + QStringList{"--out", folder});
    QVERIFY(wait_for([&] { return metrics_rows(folder) >= 2; }, p));
    ::kill(static_cast<pid_t>(p.processId()), signal);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), exit_code);
    QCOMPARE(status_state(folder), QStringLiteral("interrupted"));
  }

  void secondCtrlCExitsAtOnce() {
    // Each rename waits 400 ms: the first Ctrl-C's checkpoint is still being written when the
    // second arrives, and the process must not wait for it.
    const auto folder = dir("twice");
    QProcess p;
    p.setProcessEnvironment(environment(400));
    p.start(MOELAB_CLI_PATH, kRun + QStringList{"--out", folder});
    QVERIFY(wait_for([&] { return metrics_rows(folder) >= 1; }, p));
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QThread::msleep(100);
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 130);
    QCOMPARE(status_state(folder), QStringLiteral("running"));  // it never got to "interrupted"
    check_killed_folder(folder, read(reference_ + "/config.json"), 12);
  }

  void finishedFolderIsKeptUnlessForced() {
    const auto folder = dir("finished");
    QCOMPARE(run_cli(kRun + QStringList{"--out", folder}).exit_code, 0);
    const auto before = read(folder + "/status.json");
    const auto again = run_cli(kRun + QStringList{"--out", folder, "--seed", "4"});
    QCOMPARE(again.exit_code, 2);
    QVERIFY2(again.err.contains("finished run") && again.err.contains("--force"), qPrintable(again.err));
    QCOMPARE(read(folder + "/status.json"), before);
    const auto resume = run_cli({"--resume", folder});
    QCOMPARE(resume.exit_code, 2);
    QVERIFY2(resume.err.contains("nothing to resume"), qPrintable(resume.err));
    QCOMPARE(run_cli(kRun + QStringList{"--out", folder, "--seed", "4", "--force"}).exit_code, 0);
    QVERIFY(json(folder + "/config.json")["training"].toObject()["seed"].toInt() == 4);
  }

  void badOutputFolderFailsBeforeTraining() {
    const auto file = dir("a-file");
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    const auto r = run_cli(kRun + QStringList{"--out", file + "/run"});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.startsWith("moelab-cli: ") && r.err.contains("cannot create the output folder"),
             qPrintable(r.err));
    const auto other = run_cli({"--resume", dir("nowhere")});
    QCOMPARE(other.exit_code, 2);
    QVERIFY2(other.err.contains("no run to resume"), qPrintable(other.err));
    const auto flags = run_cli({"--resume", reference_, "--seed", "3"});
    QCOMPARE(flags.exit_code, 2);
    QVERIFY2(flags.err.contains("--seed cannot be given"), qPrintable(flags.err));
  }

  void writeErrorMarksTheRunFailedWithFileAndReason() {
    // A file-size limit (as a full disk would) makes the first checkpoint's write fail.
    const auto folder = dir("too-large");
    QProcess p;
    p.setProcessEnvironment(environment());
    QStringList args{"-c", "ulimit -f 64; exec \"$0\" \"$@\"", MOELAB_CLI_PATH};
    args << kRun << "--out" << folder;
    p.start("/bin/sh", args);
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 2);
    const auto err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("checkpoints/epoch-0001.pt") && err.contains("large"), qPrintable(err));
    const auto status = json(folder + "/status.json");
    QCOMPARE(status["state"].toString(), QStringLiteral("failed"));
    QVERIFY2(status["message"].toString().contains("epoch-0001.pt"), qPrintable(status["message"].toString()));
    QVERIFY(temporary_files(folder).isEmpty());
    QVERIFY(RunFolder::checkpoints_in(folder.toStdString()).empty());
    // Without the limit the run continues (from its start: no checkpoint was written).
    const auto r = run_cli({"--resume", folder, "--quiet"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    compare_with_reference(folder, reference_);
  }

  void forkSharesTheParentsPastAndReplaysWithoutACheckpoint() {
    const auto parent = dir("parent");
    const QStringList collapse{"--seed-epochs", "4", "--growth-epochs", "8", "--cooldown", "0",
                               "--entropy-weight", "0", "--seed", "3", "--threads", "1", "--quiet"};
    QCOMPARE(run_cli(collapse + QStringList{"--out", parent}).exit_code, 0);
    // An epoch after the seed phase with no checkpoint of its own: the fork must replay to it.
    std::set<int> with_checkpoint;
    for (const auto& name : RunFolder::checkpoints_in(parent.toStdString())) with_checkpoint.insert(name.epoch);
    int at = 5;
    while (with_checkpoint.count(at)) ++at;
    QVERIFY(at < 12);
    const auto fork = dir("fork");
    const auto r = run_cli({"fork", parent, "--at-epoch", QString::number(at), "--cooldown", "3",
                            "--quiet", "--out", fork});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    for (const char* file : {"metrics.csv", "events.csv", "timing.csv"}) {
      const auto mine = RunFolder::rows(fork.toStdString(), file);
      const auto theirs = RunFolder::rows(parent.toStdString(), file);
      std::vector<std::pair<int, std::string>> shared_mine, shared_theirs;
      for (const auto& row : mine) if (row.first <= at) shared_mine.push_back(row);
      for (const auto& row : theirs) if (row.first <= at) shared_theirs.push_back(row);
      QVERIFY2(shared_mine == shared_theirs, file);
    }
    QCOMPARE(metrics_rows(fork), 12);
    const auto config = json(fork + "/config.json");
    QCOMPARE(config["fork"].toObject()["at_epoch"].toInt(), at);
    QCOMPARE(QDir(config["fork"].toObject()["parent"].toString()).canonicalPath(),
             QDir(parent).canonicalPath());
    const auto entry = config["schedule"].toArray().last().toObject();
    QCOMPARE(entry["epoch"].toInt(), at + 1);
    QCOMPARE(entry["fixes"].toObject()["cooldown"].toBool(), true);
    QCOMPARE(entry["fixes"].toObject()["cooldown_epochs"].toInt(), 3);
    // The switch shows as an event at the first step of epoch at + 1.
    bool switched = false;
    for (const auto& [epoch, line] : RunFolder::rows(fork.toStdString(), "events.csv")) {
      if (QString::fromStdString(line).startsWith("switch,") && epoch == at + 1) switched = true;
    }
    QVERIFY(switched);
    // The fork's config.json alone retrains it from scratch to the same bytes.
    const auto again = dir("fork-from-config");
    QCOMPARE(run_cli({"--config", fork + "/config.json", "--quiet", "--out", again}).exit_code, 0);
    QCOMPARE(read(again + "/metrics.csv"), read(fork + "/metrics.csv"));
    QCOMPARE(read(again + "/events.csv"), read(fork + "/events.csv"));
    // A fork that changes nothing is its parent, whichever checkpoint it starts from.
    const auto same = dir("fork-same");
    QCOMPARE(run_cli({"fork", parent, "--at-epoch", QString::number(at), "--quiet", "--out", same}).exit_code, 0);
    compare_with_reference(same, parent);
  }

  void forkRefusesWhatWouldChangeItsPast() {
    const auto parent = reference_;
    const auto model = run_cli({"fork", parent, "--at-epoch", "5", "--hidden", "32", "--out", dir("f1")});
    QCOMPARE(model.exit_code, 2);
    QVERIFY2(model.err.contains("model.hidden cannot change at a fork"), qPrintable(model.err));
    const auto late = run_cli({"fork", parent, "--at-epoch", "40", "--out", dir("f2")});
    QCOMPARE(late.exit_code, 2);
    QVERIFY2(late.err.contains("12 finished epochs"), qPrintable(late.err));
    const auto no_out = run_cli({"fork", parent, "--at-epoch", "5"});
    QCOMPARE(no_out.exit_code, 2);
    QVERIFY2(no_out.err.contains("--out"), qPrintable(no_out.err));
  }

  void killedAblationContinuesAndRebuildsItsSummary() {
    const QStringList grid{"ablate", "--arms", "pce,PCE", "--seeds", "3", "--jobs", "2",
                           "--seed-epochs", "3", "--growth-epochs", "5", "--quiet"};
    const auto whole = dir("grid-whole");
    QCOMPARE(run_cli(grid + QStringList{"--out", whole}).exit_code, 0);
    const auto killed = dir("grid-killed");
    QProcess p;
    p.setProcessEnvironment(environment(10));
    p.start(MOELAB_CLI_PATH, grid + QStringList{"--out", killed});
    // Killed once two runs have finished and others are under way.
    QVERIFY(wait_for(
        [&] {
          int finished = 0;
          for (const QString code : {"pce", "PCE"}) {
            for (int seed = 1; seed <= 3; ++seed) {
              finished += run_folder_finished(QString("%1/%2/seed-%3").arg(killed, code).arg(seed).toStdString());
            }
          }
          return finished >= 2;
        },
        p));
    p.kill();
    p.waitForFinished();
    QVERIFY(!QFileInfo::exists(killed + "/summary.json"));
    // The finished runs are kept as they are; the same command continues the grid.
    std::map<QString, QByteArray> finished_status;
    for (const QString code : {"pce", "PCE"}) {
      for (int seed = 1; seed <= 3; ++seed) {
        const auto run = QString("%1/%2/seed-%3").arg(killed, code).arg(seed);
        if (run_folder_finished(run.toStdString())) finished_status[run] = read(run + "/status.json");
      }
    }
    QVERIFY(finished_status.size() >= 2);
    const auto r = run_cli(grid + QStringList{"--out", killed});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    for (const auto& [run, status] : finished_status) QCOMPARE(read(run + "/status.json"), status);
    QCOMPARE(read(killed + "/summary.json"), read(whole + "/summary.json"));
    QCOMPARE(read(killed + "/summary.md"), read(whole + "/summary.md"));
    for (const QString code : {"pce", "PCE"}) {
      for (int seed = 1; seed <= 3; ++seed) {
        const auto run = QString("%1/seed-%2").arg(code).arg(seed);
        QCOMPARE(read(killed + "/" + run + "/metrics.csv"), read(whole + "/" + run + "/metrics.csv"));
      }
    }
    // The comparison the window opens, written by the command.
    Comparison comparison;
    std::string error;
    QVERIFY2(comparison_from_json(read(killed + "/comparison.json").toStdString(), &comparison, &error),
             error.c_str());
    QCOMPARE(comparison.arms.size(), std::size_t{2});
    QCOMPARE(comparison.seeds.size(), std::size_t{3});
    QCOMPARE(comparison.results.size(), std::size_t{6});
  }

  void ablationRefusesTwoRunsForOneFolder() {
    const auto twice = run_cli({"ablate", "--arms", "PCE,pce,PCE", "--out", dir("twice-arms")});
    QCOMPARE(twice.exit_code, 2);
    QVERIFY2(twice.err.contains("'PCE' is given twice"), qPrintable(twice.err));
    QVERIFY(!QFileInfo::exists(dir("twice-arms")));
    // A second ablation aimed at a folder an ablation is writing into.
    const auto busy = dir("grid-busy");
    const QStringList grid{"ablate", "--arms", "ab", "--seeds", "2", "--jobs", "1",
                           "--seed-epochs", "3", "--growth-epochs", "3", "--quiet", "--out", busy};
    QProcess first;
    first.setProcessEnvironment(environment(50));
    first.start(MOELAB_CLI_PATH, grid);
    QVERIFY(wait_for([&] { return QFileInfo::exists(busy + "/pce/seed-1/status.json"); }, first));
    const auto second = run_cli(grid);
    first.kill();
    first.waitForFinished();
    QCOMPARE(second.exit_code, 2);
    QVERIFY2(second.err.contains("another ablation is writing"), qPrintable(second.err));
  }
};

QTEST_GUILESS_MAIN(TestDurableCli)
#include "test_durable_cli.moc"
