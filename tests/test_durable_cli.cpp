// Run folders as a user meets them: folders refused (finished, unfinished, not writable), a write
// error, forks that share their parent's past, and ablations continued after a kill.
#include <QTemporaryDir>

#include <csignal>
#include <map>
#include <set>

#include "ablation/comparison_file.h"
#include "durable_cli_support.h"

using namespace durable_test;

class TestDurableCli : public QObject {
  Q_OBJECT

 private:
  ReferenceFolder folders_;
  QString reference_;

  QString dir(const QString& name) const { return folders_.dir(name); }

 private Q_SLOTS:
  void initTestCase() {
    folders_.train();
    reference_ = folders_.reference();
  }

  void finishedFolderIsKeptUnlessForced() {
    const auto folder = dir("finished");
    QCOMPARE(run_cli(kRun + QStringList{"--out", folder}).exit_code, 0);
    const auto before = read(folder + "/status.json");
    const auto again = run_cli(kRun + QStringList{"--out", folder, "--seed", "4"});
    QCOMPARE(again.exit_code, 1);
    QVERIFY2(again.err.contains("finished run") && again.err.contains("--force"), qPrintable(again.err));
    QCOMPARE(read(folder + "/status.json"), before);
    const auto resume = run_cli({"--resume", folder});
    QCOMPARE(resume.exit_code, 1);
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
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.startsWith("moelab-cli: ") && r.err.contains("cannot create the output folder"),
             qPrintable(r.err));
    const auto other = run_cli({"--resume", dir("nowhere")});
    QCOMPARE(other.exit_code, 1);
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
    QCOMPARE(p.exitCode(), 1);
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
    // A second ablation aimed at a run another ablation is writing into (shards of one grid share
    // its folder, each writing its own runs).
    const auto busy = dir("grid-busy");
    const QStringList grid{"ablate", "--arms", "ab", "--seeds", "2", "--jobs", "1",
                           "--seed-epochs", "3", "--growth-epochs", "3", "--quiet", "--out", busy};
    QProcess first;
    // Slow renames keep the first grid busy for many seconds, however loaded the machine is.
    first.setProcessEnvironment(environment(300));
    first.start(MOELAB_CLI_PATH, grid);
    QVERIFY(wait_for([&] { return QFileInfo::exists(busy + "/pce/seed-1/status.json"); }, first));
    const auto second = run_cli(grid);
    first.kill();
    first.waitForFinished();
    QCOMPARE(second.exit_code, 1);
    QVERIFY2(second.err.contains("another run is writing into this folder"), qPrintable(second.err));
  }
};

QTEST_GUILESS_MAIN(TestDurableCli)
#include "test_durable_cli.moc"
