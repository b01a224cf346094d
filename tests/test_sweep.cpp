// Sweeps of any setting: `moelab-cli ablate --vary KEY=V1,V2` crosses the switch arms with the
// values, paired over the same seeds. Values are checked against the setting's range and written
// as flags write them; the crossed arms keep their settings through grid.json, comparison.json,
// the run folders and the summary.
#include "support/test_text.h"
#include "ablation/ablation_summary.h"
#include "ablation/arm_json.h"
#include "ablation/comparison_file.h"
#include "ablation/grid_folder.h"
#include "cli/cli_options.h"
#include "cli/grid_commands.h"
#include "config/config_json.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace moelab;

namespace {

// The message `call` throws, or "" when it throws nothing.
template <typename Call>
QString refusal(Call call) {
  try {
    call();
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

std::vector<std::string> ids(const std::vector<Arm>& arms) {
  std::vector<std::string> out;
  for (const auto& arm : arms) out.push_back(arm_id(arm));
  return out;
}

}  // namespace

class TestSweep : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void valuesAreWrittenAsFlagsWriteThem() {
    QCOMPARE(parse_variation("training.learning_rate", "0.010,2e-2").values,
             (std::vector<std::string>{"0.01", "0.02"}));
    QCOMPARE(parse_variation("model.top_k", "1,2,3").values,
             (std::vector<std::string>{"1", "2", "3"}));
    QCOMPARE(parse_variation("training.split_mode", "seed,preserving").values,
             (std::vector<std::string>{"seed", "preserving"}));
  }

  void badSweepsAreRefusedWithTheReason_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("values");
    QTest::addColumn<QString>("message");
    QTest::newRow("value twice") << "training.learning_rate" << "0.01,0.010" << "given twice";
    QTest::newRow("out of range") << "training.learning_rate" << "0.01,-1" << "training.learning_rate";
    QTest::newRow("not a number") << "model.top_k" << "1,two" << "model.top_k";
    QTest::newRow("empty value") << "model.top_k" << "1," << "model.top_k";
    QTest::newRow("no values") << "model.top_k" << "" << "no values";
    QTest::newRow("unknown choice") << "training.split_mode" << "seed,fast" << "training.split_mode";
    QTest::newRow("a switch") << "fixes.cooldown" << "on,off" << "use --arms";
    QTest::newRow("the seed") << "training.seed" << "1,2" << "--seeds";
    QTest::newRow("the threads") << "training.threads" << "1,2" << "--jobs";
  }
  void badSweepsAreRefusedWithTheReason() {
    QFETCH(QString, key);
    QFETCH(QString, values);
    QFETCH(QString, message);
    const QString why =
        refusal([&] { parse_variation(key.toStdString(), values.toStdString()); });
    QVERIFY2(why.contains(message), qPrintable(why));
  }

  // Every combination, the first sweep outermost, each arm named and keyed by its settings.
  void crossingGivesEveryCombinationInOrder() {
    const auto arms = cross_arms(parse_arms("ab", FixSwitches{}),
                                 {parse_variation("training.learning_rate", "0.01,0.02"),
                                  parse_variation("model.top_k", "1,2")});
    QCOMPARE(arms.size(), std::size_t(8));
    QCOMPARE(ids(arms).front(), std::string("pce+training.learning_rate=0.01+model.top_k=1"));
    QCOMPARE(ids(arms)[1], std::string("pce+training.learning_rate=0.01+model.top_k=2"));
    QCOMPARE(ids(arms)[2], std::string("pce+training.learning_rate=0.02+model.top_k=1"));
    QCOMPARE(ids(arms).back(), std::string("PCE+training.learning_rate=0.02+model.top_k=2"));
    QCOMPARE(QString::fromStdString(arms.back().name),
             QString("all fixes, training.learning_rate=0.02, model.top_k=2"));

    AblationPlan plan;
    plan.arms = arms;
    plan.seeds = {7};
    const RunConfig config = run_config(plan, 7, 7);
    QCOMPARE(config.training.learning_rate, 0.02);
    QCOMPARE(config.model.top_k, 2);
    QVERIFY(config.fixes.cooldown && config.fixes.entropy_loss);
    QCOMPARE(config.training.seed, std::uint64_t(7));

    QVERIFY(cross_arms(arms, {}).size() == arms.size());
    const QString twice = refusal([] {
      cross_arms(parse_arms("ab", FixSwitches{}),
                 {parse_variation("model.top_k", "1"), parse_variation("model.top_k", "2")});
    });
    QVERIFY2(twice.contains("swept twice"), qPrintable(twice));
  }

  void cliTakesRepeatedSweeps() {
    const auto o = parse_cli_options(
        words("ablate --arms PCE --vary training.learning_rate=0.01,0.02 --vary=model.top_k=1,2"));
    QCOMPARE(o.variations.size(), std::size_t(2));
    QCOMPARE(o.variations[1].key, std::string("model.top_k"));
    QVERIFY(parse_cli_options(words("ablate")).variations.empty());
  }

  void cliRefusesBadSweeps_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("typo") << "ablate --vary trainng.learning_rate=0.1"
                          << "did you mean training.learning_rate?";
    // The key's last part or the setting's flag points at the key.
    QTest::newRow("last part") << "ablate --vary growth=heuristic,schnakenberg"
                               << "did you mean training.growth?";
    QTest::newRow("flag") << "ablate --vary top-k=1,2" << "did you mean model.top_k?";
    QTest::newRow("no values") << "ablate --vary model.top_k" << "must be KEY=V1,V2";
    QTest::newRow("no key") << "ablate --vary =1,2" << "must be KEY=V1,V2";
    QTest::newRow("a switch") << "ablate --vary fixes.entropy_loss=on,off" << "use --arms";
    // Each value fits its range; one combination of settings cannot run.
    QTest::newRow("invalid arm") << "ablate --arms PCE --max-experts 4 --vary model.top_k=2,6"
                                 << "arm 'all fixes, model.top_k=6' has invalid settings";
    QTest::newRow("same key twice") << "ablate --vary model.top_k=1 --vary model.top_k=2"
                                    << "swept twice";
  }
  void cliRefusesBadSweeps() {
    QFETCH(QString, line);
    QFETCH(QString, message);
    const QString why = refusal([&] { parse_cli_options(words(line)); });
    QVERIFY2(why.contains(message), qPrintable(why));
  }

  // grid.json and comparison.json keep each arm's settings; arms without any stay plain codes,
  // as files written before sweeps existed hold them.
  void sweptArmsSurviveTheirFiles() {
    const auto swept = cross_arms(parse_arms("pce,PCE", FixSwitches{}),
                                  {parse_variation("data.max_samples", "300,600")});
    const auto json = arms_to_json(swept);
    QCOMPARE(arms_from_json(json, FixSwitches{}).size(), swept.size());
    QCOMPARE(ids(arms_from_json(json, FixSwitches{})), ids(swept));
    QCOMPARE(arms_from_json(json, FixSwitches{}).back().name, swept.back().name);
    QVERIFY(arms_to_json(parse_arms("pCe", FixSwitches{}))[0].is_string());

    AblationPlan plan;
    plan.arms = swept;
    plan.seeds = {1, 2};
    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath("g").toStdString();
    GridFolder(path, plan).claim();
    const auto opened = GridFolder::open(path);
    QCOMPARE(ids(opened.plan().arms), ids(swept));
    QCOMPARE(opened.manifest(), GridFolder(path, plan).manifest());
    QVERIFY(opened.run_folder({3, 2}).string().find("PCE+data.max_samples=600") !=
            std::string::npos);

    Comparison c;
    c.arms = swept;
    c.seeds = {1};
    ArmSeedResult r;
    r.arm = 1;
    r.seed = 1;
    r.result.config = run_config(plan, 1, 1);
    c.results.push_back(r);
    Comparison back;
    std::string error;
    QVERIFY2(comparison_from_json(comparison_to_json(c), &back, &error), error.c_str());
    QCOMPARE(ids(back.arms), ids(swept));
    QCOMPARE(back.results.front().result.config.data.max_samples, 600);

    // A hand-edited file with a value out of range is refused with the setting's name.
    auto bad = arms_to_json(swept);
    bad[1]["settings"][0]["value"] = "-5";
    const QString why = refusal([&] { arms_from_json(bad, FixSwitches{}); });
    QVERIFY2(why.contains("data.max_samples"), qPrintable(why));
  }

  // A real grid: two swept values of one arm over two seeds, each in its own folder, summarised
  // with the paired difference against the first value.
  void sweptGridTrainsAndPairsTheValues() {
    QTemporaryDir dir;
    const QString out = dir.filePath("grid");
    const auto options = parse_cli_options(words(
        "ablate --arms PCE --vary model.top_k=1,2 --seeds 2 --seed 3 --jobs 2 --quiet "
        "--seed-epochs 2 --growth-epochs 2 --max-samples 600 --out " + out));
    std::ostringstream printed, progress;
    QCOMPARE(run_ablation_command(options, "moelab-cli", printed, progress), 0);

    for (const char* arm : {"PCE+model.top_k=1", "PCE+model.top_k=2"}) {
      for (int seed : {3, 4}) {
        const auto folder = QStringLiteral("%1/%2/seed-%3").arg(out, arm).arg(seed);
        const auto config = load_config_file((folder + "/config.json").toStdString());
        QCOMPARE(config.model.top_k, QString(arm).endsWith('1') ? 1 : 2);
        QCOMPARE(config.training.seed, std::uint64_t(seed));
      }
    }
    const QByteArray written = read(out + "/summary.json");
    const auto summary = nlohmann::json::parse(written.toStdString());
    const auto& arms = summary.at("arms");
    QCOMPARE(arms.size(), std::size_t(2));
    QCOMPARE(arms[0].at("code").get<std::string>(), std::string("PCE+model.top_k=1"));
    QCOMPARE(arms[1].at("code").get<std::string>(), std::string("PCE+model.top_k=2"));
    QCOMPARE(arms[1].at("runs").get<int>(), 2);
    QVERIFY(!arms[1].at("paired").empty());
    for (const auto& paired : arms[1].at("paired")) {
      QCOMPARE(paired.at("vs").get<std::string>(), std::string("PCE+model.top_k=1"));
    }
    // The same command again finds every run finished and trains nothing.
    std::ostringstream again_printed, again_progress;
    QCOMPARE(run_ablation_command(options, "moelab-cli", again_printed, again_progress), 0);
    QCOMPARE(read(out + "/summary.json"), written);
  }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"
