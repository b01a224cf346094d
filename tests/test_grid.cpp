// Grids on a cluster: the flags (--list, --shard, summarize, --set), shards, the listed commands
// (each reproduces its run's settings exactly), and the grid folder (grid.json, finished runs,
// another grid refused, the summary from report.json equal to the one from memory).
#include "support/test_text.h"
#include "ablation/ablation_summary.h"
#include "ablation/grid_command.h"
#include "ablation/grid_folder.h"
#include "ablation/grid_shard.h"
#include "cli/cli_options.h"
#include "config/config_json.h"
#include "io/run_folder.h"
#include "report/phase_report.h"
#include "report/report_file.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <map>
#include <set>

using namespace moelab;

namespace {

// A plan whose arms switch the cooldown and the entropy loss off while their parameters differ
// from the defaults: the case a listed command must still write out.
AblationPlan tricky_plan() {
  AblationPlan plan;
  plan.base.fixes.cooldown_epochs = 1;
  plan.base.fixes.entropy_weight = 0.25;
  plan.base.training.learning_rate = 0.0007;
  plan.base.training.seed_epochs = 2;
  plan.base.training.growth_epochs = 2;
  plan.base.data.test_fraction = 0.15;
  plan.arms = parse_arms("grid", plan.base.fixes);
  plan.seeds = {4, 5};
  return plan;
}

// A finished run's result built by hand: what the summary reads of it is its report.
RunResult finished_run(const RunConfig& config, double test_accuracy, int dormant) {
  RunResult r;
  r.config = config;
  PhaseReport report;
  report.test_accuracy = test_accuracy;
  report.seed_test_accuracy = 0.9;
  report.final_val_accuracy = test_accuracy - 0.01;
  report.experts = 4;
  report.dormant.assign(static_cast<std::size_t>(dormant), 0);
  report.effective_experts = 3.0 + test_accuracy / 7;  // a value with every bit in use
  report.go = dormant == 0;
  r.report = report;
  return r;
}

// The run's folder as a finished run leaves it: settings, report, status finished.
void write_run_outputs(const std::string& dir, const RunResult& result) {
  RunFolder folder(dir, FolderMode::Replace);
  folder.start(result.config, result.config.training.seed_epochs + result.config.training.growth_epochs);
  folder.write_report(*result.report);
  folder.status().state = RunState::Finished;
  folder.write_status();
}

}  // namespace

class TestGrid : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void gridFlagsParse() {
    auto o = parse_cli_options(words("ablate --list --out=g --arms=ab"));
    QVERIFY(o.ablate && o.list && !o.shard);
    QCOMPARE(o.out_dir, std::string("g"));
    o = parse_cli_options(words("ablate --shard=2/5"));
    QVERIFY(o.shard && !o.list);
    QCOMPARE(*o.shard, (GridShard{2, 5}));
    QCOMPARE(*parse_cli_options(words("ablate --shard 5/5")).shard, (GridShard{5, 5}));
    o = parse_cli_options(words("summarize runs/grid --quiet"));
    QVERIFY(o.summarize && !o.ablate);
    QCOMPARE(o.summarize_dir, std::string("runs/grid"));
  }

  void setTakesAnySettingByKeyAfterTheFlags() {
    const auto o = parse_cli_options(
        words("--lr 0.1 --set training.learning_rate=0.2 --set=fixes.cooldown_epochs=3 "
              "--set fixes.cooldown=off --set=data.kind=synthetic"));
    QCOMPARE(o.config.training.learning_rate, 0.2);
    QCOMPARE(o.config.fixes.cooldown_epochs, 3);
    QVERIFY(!o.config.fixes.cooldown);
    QVERIFY(o.config.data.kind == DatasetKind::Synthetic);
  }

  void slurmShardComesFromTheArrayTask() {
    using Variables = std::map<std::string, std::string>;
    const auto shard = [](const Variables& variables) {
      return parse_grid_shard("slurm", [&variables](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
      });
    };
    QCOMPARE(shard({{"SLURM_ARRAY_TASK_ID", "5"},
                    {"SLURM_ARRAY_TASK_MIN", "4"},
                    {"SLURM_ARRAY_TASK_COUNT", "4"}}),
             (GridShard{2, 4}));
    // Without the array's first id, ids count from 1.
    QCOMPARE(shard({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
             (GridShard{3, 4}));
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        shard({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    try {
      shard({{"SLURM_ARRAY_TASK_COUNT", "4"}});
      QFAIL("no array task, no shard");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(QString(e.what()).contains("SLURM_ARRAY_TASK_ID is not set"), e.what());
    }
  }

  // Every run in exactly one shard, shards differing by at most one run, arms mixed.
  void shardsPartitionTheGrid() {
    const auto plan = tricky_plan();
    const auto runs = plan_runs(plan);
    QCOMPARE(runs.size(), std::size_t{16});
    for (int count : {1, 3, 5, 16, 20}) {
      std::multiset<std::pair<std::size_t, std::uint64_t>> seen;
      std::size_t smallest = runs.size(), largest = 0;
      for (int index = 1; index <= count; ++index) {
        const auto mine = shard_runs(runs, {index, count});
        smallest = std::min(smallest, mine.size());
        largest = std::max(largest, mine.size());
        for (const auto& run : mine) seen.insert({run.arm, run.seed});
      }
      QCOMPARE(seen.size(), runs.size());
      const std::set<std::pair<std::size_t, std::uint64_t>> distinct(seen.begin(), seen.end());
      QCOMPARE(distinct.size(), runs.size());
      QVERIFY(largest - smallest <= 1);
    }
    std::set<std::size_t> arms;
    for (const auto& run : shard_runs(runs, {1, 4})) arms.insert(run.arm);
    QVERIFY(arms.size() > 1);
  }

  // The listed command, parsed as moelab-cli parses it, gives exactly the run's settings: the
  // same config.json as `ablate` writes for that run.
  void listedCommandsReproduceEveryRun() {
    const auto plan = tricky_plan();
    for (const auto& run : plan_runs(plan)) {
      const RunConfig config = run_config(plan, run.arm, run.seed);
      const std::string line = run_command_line("moelab-cli", config, "/grid/x/seed-4");
      auto args = words(QString::fromStdString(line));
      QCOMPARE(args.front(), std::string("moelab-cli"));
      args.erase(args.begin());
      const auto parsed = parse_cli_options(args);
      QCOMPARE(parsed.out_dir, std::string("/grid/x/seed-4"));
      QVERIFY(parsed.quiet);
      QCOMPARE(QString::fromStdString(config_to_json(parsed.config)),
               QString::fromStdString(config_to_json(config)));
    }
  }

  void shellWordsQuoteWhatTheShellWouldSplit() {
    QCOMPARE(shell_word("--out=/a/b-c_d.e"), std::string("--out=/a/b-c_d.e"));
    QCOMPARE(shell_word("--out=/my runs"), std::string("'--out=/my runs'"));
    QCOMPARE(shell_word("it's"), std::string("'it'\\''s'"));
    QCOMPARE(shell_word("$HOME"), std::string("'$HOME'"));
    QCOMPARE(shell_word(""), std::string("''"));
  }

  // grid.json names the grid; the same grid claims the folder again, another is refused.
  void gridFolderClaimsOnce() {
    QTemporaryDir dir;
    const auto path = std::filesystem::path(dir.filePath("g").toStdString());
    const auto plan = tricky_plan();
    GridFolder(path, plan).claim();
    GridFolder(path, plan).claim();
    const auto opened = GridFolder::open(path);
    QCOMPARE(opened.manifest(), GridFolder(path, plan).manifest());
    QCOMPARE(opened.plan().arms.size(), plan.arms.size());
    QCOMPARE(opened.plan().seeds, plan.seeds);

    auto other = plan;
    other.seeds = {4, 5, 6};
    try {
      GridFolder(path, other).claim();
      QFAIL("another grid claimed the folder");
    } catch (const GridError& e) {
      QVERIFY2(QString(e.what()).contains("holds another grid (its seeds differ"), e.what());
    }
    other = plan;
    other.base.training.batch_size = 32;
    QVERIFY_THROWS_EXCEPTION(GridError, GridFolder(path, other).claim());

    QVERIFY_THROWS_EXCEPTION(GridError, GridFolder::open(dir.filePath("none").toStdString()));
    write_file_atomically((path / "grid.json").string(), "{\"format\": \"something else\"}");
    QVERIFY_THROWS_EXCEPTION(GridError, GridFolder::open(path));
  }

  // A run is finished when its report.json is complete and its config.json is this run's.
  void finishedRunsAreRecognised() {
    QTemporaryDir dir;
    const auto plan = tricky_plan();
    const GridFolder grid(dir.path().toStdString(), plan);
    grid.claim();
    const RunKey run{3, 5};
    QVERIFY(!grid.finished(run));
    write_run_outputs(grid.run_folder(run).string(),
                      finished_run(run_config(plan, run.arm, run.seed), 0.95, 0));
    QVERIFY(grid.finished(run));
    QCOMPARE(grid.unfinished(plan_runs(plan)).size(), plan_runs(plan).size() - 1);

    // Cut short: the report is incomplete, the run is not finished (it will be run again).
    const auto report = grid.run_folder(run) / "report.json";
    const QByteArray whole = read(QString::fromStdString(report.string()));
    write_file_atomically(report.string(), whole.left(whole.size() / 2).toStdString());
    QVERIFY(!grid.finished(run));

    // Finished with other settings: refused, not counted and not overwritten silently.
    auto other = run_config(plan, run.arm, run.seed);
    other.training.learning_rate = 0.5;
    write_run_outputs(grid.run_folder(run).string(), finished_run(other, 0.95, 0));
    QVERIFY_THROWS_EXCEPTION(GridError, grid.finished(run));
  }

  // The summary written from the report.json files equals the one from the runs in memory, byte
  // for byte, and names the runs that are missing.
  void summaryFromFilesEqualsSummaryFromMemory() {
    QTemporaryDir dir;
    const auto plan = tricky_plan();
    const GridFolder grid(dir.path().toStdString(), plan);
    grid.claim();
    std::vector<ArmSeedResult> results;
    int i = 0;
    for (const auto& run : plan_runs(plan)) {
      if (run.arm == 6 && run.seed == 5) continue;  // one run missing
      // NaN included: a run without test predictions.
      const double accuracy = i % 7 == 3 ? std::nan("") : 0.9 + 0.013 * ((i * 5) % 7) / 3.0;
      auto result = finished_run(run_config(plan, run.arm, run.seed), accuracy, i % 3);
      write_run_outputs(grid.run_folder(run).string(), result);
      results.push_back({run.arm, run.seed, std::move(result)});
      ++i;
    }
    std::vector<RunKey> missing;
    const auto from_files = grid.write_summary(&missing);
    QCOMPARE(missing.size(), std::size_t{1});
    QCOMPARE(missing.front(), (RunKey{6, 5}));
    const auto from_memory = summarize(plan.arms, results);
    QCOMPARE(QString::fromStdString(summary_json(from_files)),
             QString::fromStdString(summary_json(from_memory)));
    QCOMPARE(QString::fromStdString(summary_csv(from_files)),
             QString::fromStdString(summary_csv(from_memory)));
    QCOMPARE(QString::fromStdString(summary_markdown(from_files)),
             QString::fromStdString(summary_markdown(from_memory)));
    QCOMPARE(read(dir.filePath("summary.md")).toStdString(), summary_markdown(from_memory));
  }
};

QTEST_GUILESS_MAIN(TestGrid)
#include "test_grid.moc"
