// Run folders under fire: real moelab-cli processes killed with SIGKILL at random instants (also
// between a file's write and its rename), stopped with SIGINT, SIGTERM and SIGHUP, and a second
// Ctrl-C. Every folder is reopened and checked, and continued runs must end byte for byte as the
// run left alone.
#include <QTemporaryDir>

#include <csignal>
#include <random>

#include "durable_cli_support.h"

using namespace durable_test;

class TestKillResume : public QObject {
  Q_OBJECT

 private:
  ReferenceFolder folders_;
  QString reference_;

  QString dir(const QString& name) const { return folders_.dir(name); }

 private Q_SLOTS:
  void initTestCase() {
    // The runs stand for a program a user started in a terminal. Started from a background job
    // (`ctest ... &` in a script), this test inherits SIGINT ignored, its children would too, and
    // moelab-cli rightly keeps a signal ignored that was ignored when it started.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    folders_.train();
    reference_ = folders_.reference();
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
    // How long an epoch takes here, with and without a pause between each write and its rename.
    // The pause is 15 ms, or a 16th of an epoch when that is longer (a sanitizer's build), so the
    // window between a write and its rename keeps its share of the run's time.
    std::vector<qint64> epoch_ms(2);
    qint64 pause_ms = 0;
    for (int slow = 0; slow < 2; ++slow) {
      const auto folder = dir(QString("timed-%1").arg(slow));
      QProcess p;
      p.setProcessEnvironment(environment(slow ? static_cast<int>(pause_ms) : 0));
      p.start(MOELAB_CLI_PATH, kRun + QStringList{"--out", folder});
      QVERIFY(wait_for([&] { return metrics_rows(folder) >= 1; }, p));
      QElapsedTimer timer;
      timer.start();
      QVERIFY(p.waitForFinished(120000));
      epoch_ms[slow] = std::max<qint64>(1, timer.elapsed() / 11);
      if (slow == 0) pause_ms = std::max<qint64>(15, epoch_ms[0] / 16);
    }
    const auto reference_config = read(reference_ + "/config.json");
    std::mt19937 random(20240611);
    int during = 0, between_renames = 0, resumed = 0;
    // 24 kills while the run trains: after a random number of finished epochs, at a random
    // instant of the next one (half of them then at the next write before its rename); and 4 at
    // any instant of the process's first 300 ms (while it loads the data and creates its folder).
    const int kills = 28;
    for (int i = 0; i < kills; ++i) {
      const int slow = i % 2;  // every other run pauses between writing a file and renaming it
      const bool early = i >= 24;
      std::uniform_int_distribution<int> finished_epochs(0, 11);
      std::uniform_int_distribution<qint64> instant(0, early ? 300 : epoch_ms[slow]);
      const int after_epochs = finished_epochs(random);
      const auto folder = dir(QString("killed-%1").arg(i));
      QProcess p;
      p.setProcessEnvironment(environment(slow ? static_cast<int>(pause_ms) : 0));
      p.start(MOELAB_CLI_PATH, kRun + QStringList{"--out", folder});
      QVERIFY(p.waitForStarted());
      if (!early) {
        QVERIFY(wait_for(
            [&] {
              return QFileInfo::exists(folder + "/status.json") &&
                     metrics_rows(folder) >= after_epochs;
            },
            p));
      }
      QThread::msleep(static_cast<unsigned long>(instant(random)));
      // A run that pauses is killed at the first instant from there on when one of its files is
      // written and not yet renamed: random instants alone land there too rarely to rely on, more
      // rarely still on a slow build (a sanitizer's). A run that ends first is simply not killed.
      if (slow && !early) wait_for([&] { return !temporary_files(folder).isEmpty(); }, p);
      p.kill();  // SIGKILL
      p.waitForFinished();
      if (!temporary_files(folder).isEmpty()) ++between_renames;
      check_killed_folder(folder, reference_config, 12);
      if (QTest::currentTestFailed()) {
        qWarning() << "folder" << folder;
        return;
      }
      if (!QFileInfo::exists(folder + "/status.json")) {
        // Killed before the run started: the folder holds no run, and a new one may go there.
        QVERIFY(early);
        const auto r = run_cli(kRun + QStringList{"--out", folder, "--force"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        compare_with_reference(folder, reference_);
        continue;
      }
      if (!early) ++during;
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
    qInfo("%d kills: %d while training, %d between a write and its rename (pauses of %lld ms), "
          "%d resumed",
          kills, during, between_renames, static_cast<long long>(pause_ms), resumed);
    QCOMPARE(during, 24);
    QVERIFY(resumed >= 20);
    QVERIFY(between_renames >= 6);  // of the 12 runs killed at a write before its rename
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
    QCOMPARE(refused.exit_code, 1);
    QVERIFY2(refused.err.contains("--resume"), qPrintable(refused.err));
    const auto r = run_cli({"--resume", folder, "--quiet"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    compare_with_reference(folder, reference_);
  }

  void sigtermAndSighupStopLikeSigint_data() {
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<int>("blas_threads");
    QTest::newRow("SIGTERM") << static_cast<int>(SIGTERM) << 143 << 1;
    QTest::newRow("SIGHUP") << static_cast<int>(SIGHUP) << 129 << 1;
    // OpenBLAS starts its threads while the program loads, before main(): the signal may land on
    // one of them, and must still stop the run cleanly.
    QTest::newRow("SIGTERM, OpenBLAS threads") << static_cast<int>(SIGTERM) << 143 << 4;
  }
  void sigtermAndSighupStopLikeSigint() {
    QFETCH(int, signal);
    QFETCH(int, exit_code);
    QFETCH(int, blas_threads);
    const auto folder = dir(QString("signal-%1-%2").arg(signal).arg(blas_threads));
    QProcess p;
    auto env = environment(20);
    env.insert("OPENBLAS_NUM_THREADS", QString::number(blas_threads));
    p.setProcessEnvironment(env);
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

};

QTEST_GUILESS_MAIN(TestKillResume)
#include "test_kill_resume.moc"
