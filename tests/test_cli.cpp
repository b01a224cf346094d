// The experiment file and the headless runner's flags, in process and as a real process.
#include "support/test_text.h"
#include "cli/cli_options.h"
#include "config/config_json.h"
#include "config/setting_catalog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <cmath>
#include <map>
#include <QTemporaryDir>
#include <QtTest>

using namespace moelab;

namespace {

struct ProcessResult {
  int exit_code = -1;
  QString err;
};

ProcessResult run_cli(const QStringList& args,
                      const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(environment);
  p.start(MOELAB_CLI_PATH, args);
  if (!p.waitForFinished(120000)) {
    p.kill();
    return {};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
          QString::fromUtf8(p.readAllStandardError())};
}

// {"a": {"b": VALUE}} for the key "a.b".
std::string nested_json(const std::string& key, const std::string& value) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return "{\"" + key + "\": " + value + "}";
  return "{\"" + key.substr(0, dot) + "\": " + nested_json(key.substr(dot + 1), value) + "}";
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void configRoundTrips() {
    RunConfig c;
    c.data.kind = DatasetKind::Synthetic;
    c.data.synthetic.offset = 4.5;
    c.model.top_k = 1;
    c.fixes.entropy_loss = false;
    c.fixes.cooldown_epochs = 7;
    c.training.seed = 99;
    c.training.dispatch = Dispatch::Routed;
    const auto back = config_from_json(config_to_json(c), "mem");
    QCOMPARE(config_to_json(back), config_to_json(c));
    QCOMPARE(back.fixes, c.fixes);
    QCOMPARE(back.training.seed, std::uint64_t(99));
  }

  void partialConfigKeepsDefaults() {
    const auto c = config_from_json(R"({"fixes": {"cooldown": false}})", "mem");
    QVERIFY(!c.fixes.cooldown);
    QCOMPARE(c.training.growth_epochs, RunConfig().training.growth_epochs);
  }

  void badConfigIsRefusedClearly_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << "{oops" << "not valid JSON";
    QTest::newRow("not an object") << "[1,2]" << "must be an object";
    QTest::newRow("unknown key") << R"({"fixes": {"entropy_wieght": 0.2}})" << "fixes.entropy_wieght";
    QTest::newRow("unknown section") << R"({"optimizer": {}})" << "optimizer";
    QTest::newRow("wrong type") << R"({"training": {"seed_epochs": "ten"}})" << "training.seed_epochs";
    QTest::newRow("bool as int") << R"({"fixes": {"projection_fix": 1}})" << "fixes.projection_fix";
    QTest::newRow("negative seed") << R"({"training": {"seed": -1}})" << "training.seed";
    QTest::newRow("huge int") << R"({"model": {"hidden": 99999999999999}})" << "model.hidden";
    QTest::newRow("int past 32 bits") << R"({"model": {"hidden": 4294967360}})"
                                      << "model.hidden: '4294967360' is outside 1..8192";
    QTest::newRow("int past 64 bits") << R"({"training": {"seed": 18446744073709551615}})"
                                      << "training.seed: '18446744073709551615' is outside 0..";
    QTest::newRow("real as int key") << R"({"model": {"hidden": 64.5}})" << "is not an integer";
    QTest::newRow("number overflow") << R"({"training": {"learning_rate": 1e400}})"
                                     << "number overflow";
    QTest::newRow("section not object") << R"({"model": 3})" << "model must be an object";
    QTest::newRow("bad kind") << R"({"data": {"kind": "imagenet"}})" << "data.kind";
    QTest::newRow("k above cap") << R"({"model": {"top_k": 20}})" << "model.top_k";
    QTest::newRow("zero lr") << R"({"training": {"learning_rate": 0}})" << "learning_rate";
    QTest::newRow("idx without dir") << R"({"data": {"kind": "idx"}})" << "idx_dir";
  }
  void badConfigIsRefusedClearly() {
    QFETCH(QString, json);
    QFETCH(QString, mentions);
    try {
      config_from_json(json.toStdString(), "exp.json");
      QFAIL("accepted a bad config");
    } catch (const ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.startsWith("exp.json: "), qPrintable(message));
      QVERIFY2(message.contains(mentions), qPrintable(message));
    }
  }

  void flagsSetTheConfig() {
    const auto o = parse_cli_options(words(
        "--dataset idx:/data/fm --seed 5 --projection-fix off --cooldown 0 --entropy-weight 0.3 "
        "--seed-epochs 4 --growth-epochs 9 --out /tmp/x --top-k 1 --threads 1"));
    QCOMPARE(o.config.data.kind, DatasetKind::Idx);
    QCOMPARE(QString::fromStdString(o.config.data.idx_dir), QString("/data/fm"));
    QCOMPARE(o.config.training.seed, std::uint64_t(5));
    QVERIFY(!o.config.fixes.projection_fix);
    QVERIFY(!o.config.fixes.cooldown);
    QVERIFY(o.config.fixes.entropy_loss);
    QCOMPARE(o.config.fixes.entropy_weight, 0.3);
    QCOMPARE(o.config.training.seed_epochs, 4);
    QCOMPARE(o.config.training.growth_epochs, 9);
    QCOMPARE(o.config.model.top_k, 1);
    QCOMPARE(QString::fromStdString(o.out_dir), QString("/tmp/x"));
  }

  void flagsTakeTheirValueWithAnEqualsSignToo() {
    const auto o = parse_cli_options(words("--seed=7 --lr=0.01 --split=preserving ablate --seeds=3"));
    QCOMPARE(o.config.training.seed, std::uint64_t(7));
    QCOMPARE(o.config.training.learning_rate, 0.01);
    QCOMPARE(o.config.training.split_mode, SplitMode::Preserving);
    QVERIFY(o.ablate);
    QCOMPARE(o.seed_count, 3);
    QCOMPARE(parse_cli_options(words("--synthetic-offset -3")).config.data.synthetic.offset, -3.0);
  }

  // One range per setting: the flag, the experiment file and validation agree at both ends.
  void everySettingHasOneRangeInFlagsAndFiles() {
    int checked = 0;
    for (const auto& s : setting_catalog()) {
      if (s.type != SettingType::Integer && s.type != SettingType::Real) continue;
      const bool integer = s.type == SettingType::Integer;
      const std::string inside = integer ? std::to_string(s.integer_maximum) : value_text(s.maximum);
      const std::string outside = integer ? std::to_string(s.integer_maximum) + "0"
                                          : value_text(s.maximum * 10 + 1);
      if (!s.maximum_open) {
        QCOMPARE(value_text(parse_setting_text(s, inside)), inside);
        const auto at_minimum =
            integer ? std::to_string(s.integer_minimum) : value_text(s.minimum);
        if (!s.minimum_open) QCOMPARE(value_text(parse_setting_text(s, at_minimum)), at_minimum);
      }
      const auto expected = QString::fromStdString(describe_range(s));
      const std::string json = nested_json(s.key, outside);
      try {
        config_from_json(json, "exp.json");
        QFAIL(qPrintable(QString::fromStdString("file accepted " + s.key + " = " + outside)));
      } catch (const ConfigError& e) {
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(s.key)), e.what());
        QVERIFY2(QString(e.what()).contains(expected), e.what());
      }
      if (!s.flag.empty()) {
        try {
          parse_cli_options({s.flag, outside});
          QFAIL(qPrintable(QString::fromStdString("flag accepted " + s.flag + " " + outside)));
        } catch (const CliError& e) {
          QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(s.flag + ": ")), e.what());
          QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
      }
      ++checked;
    }
    QVERIFY(checked > 25);
  }

  // What the CLI accepts, the file it writes gives back: the largest seed included.
  void writtenConfigReadsBackAtTheEdges() {
    const auto o = parse_cli_options(words("--seed 9223372036854775807 --lr 10 --max-samples 100000000"));
    const auto back = config_from_json(config_to_json(o.config), "config.json");
    QCOMPARE(back.training.seed, o.config.training.seed);
    QCOMPARE(config_to_json(back), config_to_json(o.config));
  }

  void flagsOverrideTheConfigFileWhateverTheOrder() {
    QTemporaryDir dir;
    const auto path = dir.filePath("exp.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"training": {"seed": 11, "growth_epochs": 3}})");
    f.close();
    const auto o = parse_cli_options(words("--seed 12 --config " + path));
    QCOMPARE(o.config.training.seed, std::uint64_t(12));
    QCOMPARE(o.config.training.growth_epochs, 3);
  }

  void badFlagsAreRefused_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown") << "--frobnicate" << "unknown option";
    QTest::newRow("missing value") << "--seed" << "--seed";
    QTest::newRow("typo") << "--lrr 0.1" << "did you mean --lr?";
    QTest::newRow("typo with value") << "--seeed=3" << "did you mean --seed?";
    QTest::newRow("stray word") << "fast" << "unexpected argument 'fast'";
    QTest::newRow("after --") << "-- --lr 0.1" << "unexpected argument";
    QTest::newRow("int beyond 64 bits") << "--hidden 99999999999999999999"
                                        << "'99999999999999999999' is outside 1..8192";
    QTest::newRow("int beyond 32 bits") << "--hidden 4294967360" << "is outside 1..8192";
    QTest::newRow("real overflow") << "--lr 1e400" << "'1e400' is outside (0, 10]";
    QTest::newRow("long number cut") << ("--lr 1" + QString(300, '0'))
                                     << "...' (301 characters) is outside (0, 10]";
    QTest::newRow("seed past int64") << "--seed 9223372036854775808" << "outside 0..";
    QTest::newRow("seeds wrap") << "ablate --seed 9223372036854775807 --seeds 2"
                                << "pass the largest seed";
    QTest::newRow("bad seeds") << "ablate --seeds 0" << "--seeds: '0' is outside 1..10000";
    QTest::newRow("bad choice") << "--split halves" << "one of seed, preserving";
    QTest::newRow("not a number") << "--seed abc" << "not an integer";
    QTest::newRow("trailing junk") << "--lr 0.1x" << "not a number";
    QTest::newRow("bad switch") << "--projection-fix maybe" << "on or off";
    QTest::newRow("bad dataset") << "--dataset imagenet" << "digits, synthetic or idx";
    QTest::newRow("empty idx") << "--dataset idx:" << "digits, synthetic or idx";
    QTest::newRow("negative cooldown") << "--cooldown -2" << "--cooldown: '-2' is outside 0..10000";
    QTest::newRow("nan weight") << "--entropy-weight nan" << "finite";
    QTest::newRow("invalid combo") << "--top-k 5 --max-experts 3" << "top_k";
    QTest::newRow("bad balancer") << "--balancer aux" << "one of none, entropy, switch, bias";
    QTest::newRow("negative bias rate") << "--bias-rate -0.1" << "--bias-rate: '-0.1' is outside";
    QTest::newRow("prune and revive") << "--prune-dormant on --revive-dormant on"
                                      << "cannot both be on";
    QTest::newRow("bad growth") << "--growth fractal" << "one of heuristic, schnakenberg";
    // The field's settings are checked against its linearisation, with its sentence.
    QTest::newRow("field outside Turing") << "--growth schnakenberg --field-dv 1"
                                          << "training.field: no wavenumber on the ring grows";
    QTest::newRow("field oscillates") << "--growth schnakenberg --field-a 0.05 --field-b 0.5"
                                      << "oscillates instead of forming a pattern";
    QTest::newRow("field step") << "--growth schnakenberg --field-dt 0.1"
                                << "is not a stable explicit step";
    QTest::newRow("field threshold") << "--growth schnakenberg --field-threshold 1"
                                     << "above the steady state u* = a + b = 1";
    QTest::newRow("field steps") << "--field-steps 0" << "--field-steps: '0' is outside";
    QTest::newRow("missing config") << "--config /nonexistent/exp.json" << "cannot open";
    // The grid's flags (test_grid checks what they do).
    QTest::newRow("shard 0") << "ablate --shard 0/4" << "shard 0 is not one of 1..4";
    QTest::newRow("shard past N") << "ablate --shard=5/4" << "shard 5 is not one of 1..4";
    QTest::newRow("no N") << "ablate --shard 2" << "must be I/N";
    QTest::newRow("words") << "ablate --shard two/four" << "must be I/N";
    QTest::newRow("no shards") << "ablate --shard 1/0" << "number of shards";
    QTest::newRow("summarize without DIR") << "summarize" << "DIR";
    QTest::newRow("summarize with a setting") << "summarize g --lr 0.1" << "--lr is not used";
    QTest::newRow("set without =") << "--set training.seed" << "must be KEY=VALUE";
    QTest::newRow("set typo") << "--set training.lerning_rate=0.1"
                              << "did you mean training.learning_rate?";
    QTest::newRow("set unknown") << "--set colour=blue" << "no setting is named 'colour'";
    QTest::newRow("set out of range") << "--set training.learning_rate=-1"
                                      << "--set training.learning_rate: '-1' is outside";
    QTest::newRow("list typo") << "ablate --lists" << "did you mean --list?";
  }
  void badFlagsAreRefused() {
    QFETCH(QString, line);
    QFETCH(QString, mentions);
    try {
      parse_cli_options(words(line));
      QFAIL("accepted bad flags");
    } catch (const std::exception& e) {
      QVERIFY2(QString(e.what()).contains(mentions), e.what());
    }
  }

  // A heuristic run never reads the field's settings: any in range are accepted and kept.
  void fieldSettingsOnlyBindGrowthByPattern() {
    const auto o = parse_cli_options(words("--field-dv 1 --field-coupling 0.5"));
    QVERIFY(o.config.training.growth == Growth::Heuristic);
    QCOMPARE(o.config.training.field.field.dv, 1.0);
    const auto back = config_from_json(config_to_json(o.config), "mem");
    QCOMPARE(back.training.field.coupling, 0.5);
    const auto field = parse_cli_options(words("--growth schnakenberg --field-threshold 2.5"));
    QVERIFY(field.config.training.growth == Growth::Schnakenberg);
    QCOMPARE(field.config.training.field.threshold, 2.5);
    // The defaults are a field that runs.
    QVERIFY(field_growth_problem(RunConfig{}.training.field).empty());
  }

  void processExitsNonZeroWithOneSentence_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("status");  // 2 usage, 1 runtime
    QTest::newRow("bad flag") << QStringList{"--nope"} << 2;
    QTest::newRow("bad value") << QStringList{"--top-k=0"} << 2;
    QTest::newRow("bad log level") << QStringList{"--log-level", "chatty"} << 2;
    QTest::newRow("bad config file") << QStringList{"--config", "/nonexistent.json"} << 2;
    QTest::newRow("bad idx folder") << QStringList{"--dataset", "idx:/nonexistent", "--quiet"} << 1;
  }
  void processExitsNonZeroWithOneSentence() {
    QFETCH(QStringList, args);
    QFETCH(int, status);
    const auto r = run_cli(args);
    QCOMPARE(r.exit_code, status);
    QVERIFY2(r.err.startsWith("moelab-cli: "), qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
  }

  void processWritesEveryFileAndRepeatsItselfByteForByte() {
    QTemporaryDir dir;
    const QStringList common{"--seed-epochs", "3", "--growth-epochs", "4", "--cooldown", "0",
                             "--threads", "1", "--quiet", "--seed", "2"};
    QCOMPARE(run_cli(common + QStringList{"--out", dir.filePath("a")}).exit_code, 0);
    QCOMPARE(run_cli(common + QStringList{"--out", dir.filePath("b")}).exit_code, 0);
    for (const char* file : {"metrics.csv", "events.csv", "report.md", "report.json", "config.json"}) {
      const auto a = read(dir.filePath("a/") + file);
      QVERIFY2(!a.isEmpty(), file);
      QCOMPARE(a, read(dir.filePath("b/") + file));
    }
    QVERIFY(!read(dir.filePath("a/timing.csv")).isEmpty());
    const auto report = QJsonDocument::fromJson(read(dir.filePath("a/report.json"))).object();
    QVERIFY(report["verdict"].toString() == "GO" || report["verdict"].toString() == "NO-GO");
    const auto metrics = QString(read(dir.filePath("a/metrics.csv"))).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(metrics.size(), 1 + 7);
    // The written config reproduces the run.
    const auto saved = load_config_file(dir.filePath("a/config.json").toStdString());
    QCOMPARE(saved.training.seed, std::uint64_t(2));
    QVERIFY(!saved.fixes.cooldown);
  }

  void ablationSummaryIsRecomputedFromTheWrittenReports() {
    // What a researcher would check by hand: summary.json's mean, sample SD and paired
    // difference from the report.json files the same command wrote.
    QTemporaryDir dir;
    const QStringList args{"ablate", "--arms", "ab", "--seeds", "3", "--jobs", "2",
                           "--seed-epochs", "4", "--growth-epochs", "6", "--quiet",
                           "--out", dir.path()};
    QCOMPARE(run_cli(args).exit_code, 0);
    const auto summary = QJsonDocument::fromJson(read(dir.filePath("summary.json"))).object();
    QCOMPARE(summary["baseline"].toString(), QString("pce"));
    QCOMPARE(summary["test"].toString(), QString("paired t"));
    std::map<QString, std::vector<double>> accuracy;  // arm code -> test accuracy by seed
    for (const QString code : {"pce", "PCE"}) {
      for (int seed = 1; seed <= 3; ++seed) {
        const auto report = QJsonDocument::fromJson(
            read(dir.filePath(QString("%1/seed-%2/report.json").arg(code).arg(seed)))).object();
        accuracy[code].push_back(report["test_accuracy"].toDouble());
      }
    }
    for (const auto& arm_value : summary["arms"].toArray()) {
      const auto arm = arm_value.toObject();
      const auto& values = accuracy[arm["code"].toString()];
      const double mean = (values[0] + values[1] + values[2]) / 3;
      double squares = 0;
      for (const double v : values) squares += (v - mean) * (v - mean);
      const auto metric = arm["metrics"].toObject()["test_accuracy"].toObject();
      QVERIFY(std::abs(metric["mean"].toDouble() - mean) < 1e-12);
      QVERIFY(std::abs(metric["sd"].toDouble() - std::sqrt(squares / 2)) < 1e-12);  // n - 1
      if (arm["code"].toString() != "PCE") continue;
      bool compared = false;
      for (const auto& paired : arm["paired"].toArray()) {
        const auto d = paired.toObject();
        if (d["metric"].toString() != "test_accuracy") continue;
        QCOMPARE(d["vs"].toString(), QString("pce"));
        double diff = 0;
        for (int i = 0; i < 3; ++i) diff += (accuracy["PCE"][i] - accuracy["pce"][i]) / 3;
        QVERIFY(std::abs(d["mean_diff"].toDouble() - diff) < 1e-12);
        compared = true;
      }
      QVERIFY(compared);
    }
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
