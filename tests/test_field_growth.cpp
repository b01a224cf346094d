// Growth by pattern in whole runs: a real moelab-cli run whose routing collapses splits an
// overloaded expert and writes field.csv (one row per growth epoch, u and v of every expert by
// index); a heuristic run writes none; every growth epoch reports the field to observers; and
// field.csv stays the run's own across a resume from an older checkpoint and a fork.
#include <algorithm>
#include <filesystem>
#include <map>

#include "data/dataset_loader.h"
#include "durable_cli_support.h"
#include "io/csv_rows.h"
#include "io/durable_run.h"
#include "io/run_folder_reader.h"
#include "io/run_writer.h"
#include "training/trainer.h"

#include "support/stop_at_step.h"

using namespace durable_test;

namespace {

// Four experts at k = 2 without load balancing: the routing collapses onto a few experts, whose
// load over the fair share raises their activators.
const QStringList kFieldRun{"--growth", "schnakenberg", "--initial-experts", "4",
                            "--entropy-weight", "0", "--seed-epochs", "3", "--growth-epochs", "8",
                            "--cooldown", "2", "--seed", "2", "--threads", "1", "--quiet"};
constexpr int kSeedEpochs = 3;
constexpr int kEpochs = 11;
constexpr int kMaxExperts = 12;  // the default cap: field.csv has a column pair for each

RunConfig field_config() {
  RunConfig c;
  c.model.initial_experts = 4;
  c.fixes.entropy_loss = false;
  c.fixes.cooldown_epochs = 2;
  c.training.seed_epochs = kSeedEpochs;
  c.training.growth_epochs = kEpochs - kSeedEpochs;
  c.training.seed = 2;
  c.training.threads = 1;
  c.training.growth = Growth::Schnakenberg;
  return c;
}

DatasetSplit data_for(const RunConfig& c) { return load_dataset(c.data, c.training.seed); }

QStringList lines_of(const QByteArray& text) {
  return QString::fromUtf8(text).split('\n', Qt::SkipEmptyParts);
}

// A CSV file's rows as maps from column name to cell.
std::vector<std::map<QString, QString>> table(const QByteArray& text) {
  const auto lines = lines_of(text);
  std::vector<std::map<QString, QString>> rows;
  if (lines.isEmpty()) return rows;
  const auto names = lines.front().split(',');
  for (int i = 1; i < lines.size(); ++i) {
    const auto cells = lines[i].split(',');
    std::map<QString, QString> row;
    for (int c = 0; c < names.size() && c < cells.size(); ++c) row[names[c]] = cells[c];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

class TestFieldGrowth : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

 private Q_SLOTS:
  void fieldSplitsAnOverloadedExpertAndWritesItsRows() {
    const auto folder = dir_.filePath("field");
    const auto r = run_cli(kFieldRun + QStringList{"--out", folder});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    QCOMPARE(json(folder + "/config.json")["training"].toObject()["growth"].toString(),
             QStringLiteral("schnakenberg"));

    std::map<int, int> parent_at;  // split epoch -> parent
    for (const auto& row : table(read(folder + "/events.csv"))) {
      if (row.at("kind") == "split") parent_at[row.at("epoch").toInt()] = row.at("parent").toInt();
    }
    QVERIFY2(!parent_at.empty(), "the field split no expert");
    std::map<int, int> experts_at;
    for (const auto& row : table(read(folder + "/metrics.csv"))) {
      experts_at[row.at("epoch").toInt()] = row.at("experts").toInt();
    }

    const auto text = read(folder + "/field.csv");
    const auto lines = lines_of(text);
    QCOMPARE(lines.front().toStdString() + "\n", field_header(kMaxExperts));
    QCOMPARE(lines.size(), 1 + (kEpochs - kSeedEpochs));  // one row per growth epoch
    const double threshold = FieldGrowthSettings{}.threshold;
    int epoch = kSeedEpochs;
    for (const auto& row : table(text)) {
      QCOMPARE(row.at("epoch").toInt(), ++epoch);
      QCOMPARE(static_cast<int>(row.size()), 1 + 2 * kMaxExperts);
      // The experts of that epoch have both cells; the rest, not born yet, none.
      for (int e = 0; e < kMaxExperts; ++e) {
        const auto u = row.at(QString("u_%1").arg(e));
        const auto v = row.at(QString("v_%1").arg(e));
        const bool exists = e < experts_at.at(epoch);
        QVERIFY2(u.isEmpty() != exists && v.isEmpty() != exists,
                 qPrintable(QString("epoch %1 expert %2: '%3' '%4'").arg(epoch).arg(e).arg(u, v)));
        bool u_number = !exists, v_number = !exists;
        if (exists) {
          // A drained expert's u may go below zero (the source does not scale with u); v stays
          // positive: its loss, u^2 v, vanishes with v.
          u.toDouble(&u_number);
          v_number = v.toDouble() > 0;
        }
        QVERIFY2(u_number && v_number, qPrintable(QString("epoch %1 expert %2").arg(epoch).arg(e)));
      }
      // A split's epoch shows why: its parent's activator above the threshold.
      if (const auto split = parent_at.find(epoch); split != parent_at.end()) {
        QVERIFY(row.at(QString("u_%1").arg(split->second)).toDouble() > threshold);
      }
    }
    // The folder reads back to the same file.
    QCOMPARE(QByteArray::fromStdString(field_csv(read_run_folder(folder.toStdString()).result)),
             text);
  }

  void aHeuristicRunWritesNoField() {
    auto args = kFieldRun;
    args[1] = "heuristic";
    const auto folder = dir_.filePath("heuristic");
    QCOMPARE(run_cli(args + QStringList{"--out", folder}).exit_code, 0);
    QVERIFY(!read(folder + "/metrics.csv").isEmpty());
    QVERIFY(!QFileInfo::exists(folder + "/field.csv"));
    QCOMPARE(json(folder + "/config.json")["training"].toObject()["growth"].toString(),
             QStringLiteral("heuristic"));
  }

  void everyGrowthEpochReportsTheField() {
    class Fields : public TrainingObserver {
     public:
      std::vector<EpochMetrics> epochs;
      void on_epoch(const EpochMetrics& m) override { epochs.push_back(m); }
    };
    for (const auto growth : {Growth::Schnakenberg, Growth::Heuristic}) {
      auto config = field_config();
      config.training.growth = growth;
      config.training.field.threshold = 1.75;
      Fields seen;
      Trainer(config, data_for(config), &seen).run();
      QCOMPARE(static_cast<int>(seen.epochs.size()), kEpochs);
      for (const auto& m : seen.epochs) {
        const bool field = growth == Growth::Schnakenberg && m.phase == Phase::Growth;
        QCOMPARE(m.field_u.size(), field ? static_cast<std::size_t>(m.experts) : 0);
        QCOMPARE(m.field_v.size(), m.field_u.size());
        QCOMPARE(m.field_threshold, field ? 1.75 : 0.0);
      }
    }
  }

  // A run killed after its field rows but before the checkpoint that holds them continues from an
  // older checkpoint: the rows after it are dropped and written again, the same. With pruning too,
  // whose events.csv rows (kind prune) must survive the same way.
  void resumeFromAnOlderCheckpointRewritesTheSameField_data() {
    QTest::addColumn<bool>("prune");
    QTest::newRow("growth by pattern") << false;
    QTest::newRow("with pruning") << true;
  }
  void resumeFromAnOlderCheckpointRewritesTheSameField() {
    QFETCH(bool, prune);
    auto config = field_config();
    config.training.prune_dormant = prune;
    const QString tag = prune ? "-pruned" : "";
    const auto whole = dir_.filePath("whole" + tag).toStdString();
    {
      DurableRunOptions o;
      o.dir = whole;
      DurableRun(o, config).run(data_for(config));
    }
    const auto stopped = dir_.filePath("stopped" + tag).toStdString();
    {
      DurableRunOptions o;
      o.dir = stopped;
      TrainingControl control(config.fixes);
      StopAt stop(control, 150);  // inside epoch 9
      QVERIFY(DurableRun(o, config).run(data_for(config), &stop, &control).stopped);
    }
    // Keep only the checkpoint after the first growth epoch.
    const auto older = CheckpointName{kSeedEpochs + 1, true, 0}.file();
    int removed = 0;
    for (const auto& name : RunFolder::checkpoints_in(stopped)) {
      if (name.file() == older) continue;
      QVERIFY(std::filesystem::remove(stopped + "/" + name.file()));
      ++removed;
    }
    QVERIFY(removed > 0);
    QVERIFY(QFileInfo::exists(QString::fromStdString(stopped + "/" + older)));
    const auto rows_before = lines_of(read(QString::fromStdString(stopped + "/field.csv"))).size();
    QVERIFY(rows_before > 2);  // rows beyond the older checkpoint, to be dropped
    {
      DurableRunOptions o;
      o.dir = stopped;
      o.mode = FolderMode::Continue;
      DurableRun resumed(o, config);
      QCOMPARE(resumed.starting_epoch(), kSeedEpochs + 1);
      QVERIFY(!resumed.run(data_for(config)).stopped);
    }
    const auto expected = read(QString::fromStdString(whole + "/field.csv"));
    QCOMPARE(lines_of(expected).size(), 1 + (kEpochs - kSeedEpochs));
    QCOMPARE(read(QString::fromStdString(stopped + "/field.csv")), expected);
    for (const char* file : {"/metrics.csv", "/events.csv"}) {
      QCOMPARE(read(QString::fromStdString(stopped + file)),
               read(QString::fromStdString(whole + file)));
    }
    const auto events = read(QString::fromStdString(whole + "/events.csv"));
    QCOMPARE(events.contains("\nprune,"), prune);
    // The folder reads back with its prunes.
    const auto back = read_run_folder(stopped).result;
    const auto prunes = std::count_if(back.switches.begin(), back.switches.end(),
                                      [](const SwitchEvent& e) { return e.name == kPruneEvent; });
    QCOMPARE(prunes > 0, prune);
  }

  // A fork that changes nothing shares its parent's past rows and grows the same future.
  void aForkCarriesItsParentsField() {
    const auto config = field_config();
    const auto parent = dir_.filePath("parent").toStdString();
    {
      DurableRunOptions o;
      o.dir = parent;
      DurableRun(o, config).run(data_for(config));
    }
    const int at = kSeedEpochs + 2;
    const auto fork = dir_.filePath("fork").toStdString();
    {
      DurableRunOptions o;
      o.dir = fork;
      const auto settings = fork_config(parent, at, config);
      DurableRun(o, settings, ForkRequest{parent, at}).run(data_for(settings));
    }
    QCOMPARE(read(QString::fromStdString(fork + "/field.csv")),
             read(QString::fromStdString(parent + "/field.csv")));
  }
};

QTEST_GUILESS_MAIN(TestFieldGrowth)
#include "test_field_growth.moc"
