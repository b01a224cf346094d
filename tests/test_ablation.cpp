// Side-by-side ablations and teaching presets, headless.
#include <torch/torch.h>

#include <atomic>
#include <thread>

#include "ablation/ablation_runner.h"
#include "ablation/preset.h"
#include "data/dataset_loader.h"
#include "training/model_factory.h"
#include "training/trainer.h"

#include <QtTest>

using namespace moelab;

namespace {

RunConfig short_config() {
  RunConfig c;
  c.training.seed_epochs = 3;
  c.training.growth_epochs = 4;
  c.fixes.cooldown_epochs = 2;
  return c;
}

RunResult run_preset(const std::string& id, std::uint64_t seed = 1) {
  RunConfig config = find_preset(id).apply(RunConfig());
  config.training.seed = seed;
  config.training.threads = 1;
  Trainer trainer(config, load_dataset(config.data, seed));
  return trainer.run();
}

bool same_parameters(MoeModel& a, MoeModel& b) {
  const auto pa = a->parameters();
  const auto pb = b->parameters();
  if (pa.size() != pb.size()) return false;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

}  // namespace

class TestAblation : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void armsOfASeedShareDataAndInitialWeights() {
    const auto arms = parse_arms("grid", FixSwitches{});
    QCOMPARE(arms.size(), std::size_t(8));
    const DataConfig data;
    const auto a = load_dataset(data, 3);
    const auto b = load_dataset(data, 3);
    QVERIFY(torch::equal(a.train.labels, b.train.labels));
    QVERIFY(torch::equal(a.validation.features, b.validation.features));
    QVERIFY(!torch::equal(load_dataset(data, 4).train.labels, a.train.labels));
    // Built concurrently, as the runner's workers do, the weights still only depend on the seed.
    MoeModel sequential = make_initial_model(64, 10, ModelConfig{}, 3);
    MoeModel first{nullptr}, second{nullptr};
    std::thread t1([&] { first = make_initial_model(64, 10, ModelConfig{}, 3); });
    std::thread t2([&] { second = make_initial_model(64, 10, ModelConfig{}, 3); });
    t1.join();
    t2.join();
    QVERIFY(same_parameters(sequential, first));
    QVERIFY(same_parameters(sequential, second));
    MoeModel other = make_initial_model(64, 10, ModelConfig{}, 4);
    QVERIFY(!same_parameters(sequential, other));
  }

  void armCodesParse() {
    const auto arms = parse_arms("pce,PCE,pCe", FixSwitches{});
    QCOMPARE(QString::fromStdString(arms[0].name), QString("no fixes"));
    QCOMPARE(QString::fromStdString(arms[1].name), QString("all fixes"));
    QCOMPARE(QString::fromStdString(arms[2].name), QString("cooldown"));
    QVERIFY(!arms[2].fixes.projection_fix && arms[2].fixes.cooldown && !arms[2].fixes.entropy_loss);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_arms("PCX", FixSwitches{}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_arms("", FixSwitches{}));
  }

  void gridOfEightArmsTimesTwoSeedsMatchesTheRunsOwnReports() {
    AblationPlan plan;
    plan.base = short_config();
    plan.arms = parse_arms("grid", plan.base.fixes);
    plan.seeds = {1, 2};
    plan.jobs = 2;
    AblationRunner runner(plan);
    std::atomic<int> finished = 0;
    runner.set_on_run_finished([&](const ArmSeedResult&) { ++finished; });
    const auto results = runner.run();
    QCOMPARE(results.size(), std::size_t(16));
    QCOMPARE(finished.load(), 16);
    const auto table = summarize(plan.arms, results);
    QCOMPARE(table.size(), std::size_t(8));
    for (std::size_t a = 0; a < table.size(); ++a) {
      double accuracy = 0, experts = 0;
      int go = 0;
      for (const auto& r : results) {
        if (r.arm != a) continue;
        QCOMPARE(r.result.config.fixes, plan.arms[a].fixes);
        accuracy += r.result.report->final_val_accuracy / 2;
        experts += r.result.report->experts / 2.0;
        go += r.result.report->go;
      }
      QCOMPARE(table[a].runs, 2);
      QVERIFY(qAbs(table[a].final_accuracy.mean - accuracy) < 1e-12);
      QVERIFY(qAbs(table[a].experts.mean - experts) < 1e-12);
      QCOMPARE(table[a].go_share, go / 2.0);
    }
    const auto md = QString::fromStdString(summary_markdown(table));
    QCOMPARE(md.count('\n'), 2 + 8);
    QVERIFY(md.contains("| all fixes | PCE | 2 |"));
  }

  void cancellingStopsEveryWorkerAndKeepsFinishedRuns() {
    AblationPlan plan;
    plan.base = short_config();
    plan.arms = parse_arms("ab", plan.base.fixes);
    plan.seeds = {1, 2, 3, 4, 5, 6};
    plan.jobs = 2;
    AblationRunner runner(plan);
    std::atomic<int> finished = 0;
    runner.set_on_run_finished([&](const ArmSeedResult&) {
      if (++finished == 2) runner.cancel();
    });
    QElapsedTimer timer;
    timer.start();
    const auto results = runner.run();
    QVERIFY(runner.cancelled());
    QVERIFY(results.size() >= 2 && results.size() < 12);
    for (const auto& r : results) QVERIFY(r.result.report.has_value());
    QVERIFY(timer.elapsed() < 60000);
  }

  void presetCollapseCascadesWithMostExpertsDormant() {
    const auto r = run_preset("collapse");
    QCOMPARE(r.report->experts, 12);
    QVERIFY(r.report->dormant.size() >= 6);
  }

  void presetCooldownTamesTheCascade() {
    const auto collapse = run_preset("collapse");
    const auto r = run_preset("cooldown");
    QVERIFY(r.splits.size() <= 2);
    QVERIFY(r.report->experts <= 4);
    QVERIFY(r.report->criteria[2].passed);
    QVERIFY(collapse.splits.size() >= 4 * r.splits.size());
  }

  // On digits the entropy term keeps about a third of the cascade's dormant experts awake (8.8 ->
  // 5.6 dormant over seeds 1-5, README); single seeds range from 3 to 7, so the test asks for
  // the direction on every one of three paired seeds, not for a size.
  void presetEntropyWakesSleepingExperts() {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const auto collapse = run_preset("collapse", seed);
      const auto r = run_preset("entropy", seed);
      QVERIFY2(r.report->dormant.size() < collapse.report->dormant.size(),
               qPrintable(QString("seed %1: %2 vs %3 dormant")
                              .arg(seed)
                              .arg(r.report->dormant.size())
                              .arg(collapse.report->dormant.size())));
      QVERIFY(r.epochs.back().usage_entropy > collapse.epochs.back().usage_entropy);
    }
  }

  void presetProjectionBugLeavesExpertsAlike() {
    const auto fixed = run_preset("all-fixes");
    const auto buggy = run_preset("projection-bug");
    const double fixed_similarity = fixed.epochs.back().expert_similarity;
    const double buggy_similarity = buggy.epochs.back().expert_similarity;
    QVERIFY2(buggy_similarity > fixed_similarity + 0.15,
             qPrintable(QString("%1 vs %2").arg(buggy_similarity).arg(fixed_similarity)));
  }

  void presetAllFixesReadsGoOnTheDefaultSeed() {
    const auto r = run_preset("all-fixes");
    QVERIFY(r.report->dormant.empty());
    QCOMPARE(QString(r.report->verdict()), QString("GO"));
  }

  void unknownPresetIsRefused() {
    try {
      find_preset("magic");
      QFAIL("accepted an unknown preset");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("collapse"));
    }
  }
};

QTEST_GUILESS_MAIN(TestAblation)
#include "test_ablation.moc"
