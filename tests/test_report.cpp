// The GO/NO-GO report: criteria, and the files a run writes.
#include "io/run_writer.h"
#include "report/phase_report.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace moelab;

namespace {

constexpr int kTestSize = 360;  // the digits test set

// Paired test predictions: the seed model gets the first `seed_right` of 360 samples right; the
// final model the same ones, except `worsened` of them it now gets wrong and `improved` of the
// others it now gets right. Chance is 10% (ten balanced classes).
void set_test_predictions(PhaseReportInputs& in, int seed_right, int worsened, int improved) {
  in.seed_test_correct.assign(kTestSize, false);
  for (int i = 0; i < seed_right; ++i) in.seed_test_correct[static_cast<std::size_t>(i)] = true;
  in.final_test_correct = in.seed_test_correct;
  for (int i = 0; i < worsened; ++i) in.final_test_correct[static_cast<std::size_t>(i)] = false;
  for (int i = 0; i < improved; ++i) {
    in.final_test_correct[static_cast<std::size_t>(seed_right + i)] = true;
  }
  in.chance_accuracy = 0.1;
}

PhaseReportInputs inputs(std::vector<double> history, std::vector<int> dormant,
                         std::vector<int> split_epochs) {
  PhaseReportInputs in;
  in.accuracy_history = std::move(history);
  in.seed_epochs = 2;
  in.seed_val_accuracy = in.accuracy_history[1];
  in.last_epoch.experts = 3;
  in.last_epoch.utilization = {0.84f, 0.79f, 0.37f};
  in.last_epoch.dormant = std::move(dormant);
  in.last_epoch.effective_experts = 2.7;
  in.last_epoch.load_violation = 0.25;
  in.last_epoch.usage_entropy = 0.91;
  in.last_epoch.expert_similarity = 0.12;
  for (int e : split_epochs) {
    in.splits.push_back({.epoch = e,
                         .step = e * 10,
                         .parent = 0,
                         .child = static_cast<int>(in.splits.size()) + 2,
                         .val_accuracy_before = 0.95,
                         .val_accuracy_after = 0.9444,
                         .changed_predictions = 0.0278});
  }
  in.cooldown_window = 5;
  in.split_budget = 3;
  set_test_predictions(in, 348, 0, 0);  // 96.67% for both models
  return in;
}

const QJsonObject criterion_json(const QJsonObject& report, const QString& name) {
  for (const auto& c : report["criteria"].toArray()) {
    if (c.toObject()["name"].toString() == name) return c.toObject();
  }
  return {};
}

}  // namespace

class TestReport : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void verdict_data() {
    QTest::addColumn<QVector<double>>("history");
    QTest::addColumn<QVector<int>>("dormant");
    QTest::addColumn<QVector<int>>("splits");
    QTest::addColumn<int>("seed_right");  // of 360 test samples
    QTest::addColumn<int>("worsened");
    QTest::addColumn<int>("improved");
    QTest::addColumn<QString>("diverged");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("failing");
    const QVector<double> history{0.9, 0.967, 0.96, 0.971};
    QTest::newRow("seed's phase 1") << history << QVector<int>{} << QVector<int>{3, 8} << 348
                                    << 0 << 2 << "" << "GO" << "";
    // Two samples of 360 is noise, not evidence of harm.
    QTest::newRow("two samples below the seed")
        << history << QVector<int>{} << QVector<int>{3} << 348 << 2 << 0 << "" << "GO" << "";
    QTest::newRow("a validation dip alone is no regression")
        << QVector<double>{0.9, 0.967, 0.96, 0.95} << QVector<int>{} << QVector<int>{3} << 348
        << 0 << 0 << "" << "GO" << "";
    QTest::newRow("thirty points below the seed")
        << history << QVector<int>{} << QVector<int>{3} << 348 << 108 << 0 << "" << "NO-GO"
        << "accuracy_not_below_seed";
    QTest::newRow("at chance") << history << QVector<int>{} << QVector<int>{3} << 36 << 0 << 0
                               << "" << "NO-GO" << "learned";
    QTest::newRow("diverged") << history << QVector<int>{} << QVector<int>{3} << 348 << 0 << 0
                              << "loss was NaN at step 1204" << "NO-GO" << "not_diverged";
    QTest::newRow("dormant expert") << QVector<double>{0.9, 0.967, 0.97} << QVector<int>{2}
                                    << QVector<int>{} << 348 << 0 << 0 << "" << "NO-GO"
                                    << "no_dormant_experts";
    QTest::newRow("cascade") << QVector<double>{0.9, 0.967, 0.97} << QVector<int>{}
                             << QVector<int>{3, 4} << 348 << 0 << 0 << "" << "NO-GO"
                             << "one_split_per_cooldown";
  }
  void verdict() {
    QFETCH(QVector<double>, history);
    QFETCH(QVector<int>, dormant);
    QFETCH(QVector<int>, splits);
    QFETCH(int, seed_right);
    QFETCH(int, worsened);
    QFETCH(int, improved);
    QFETCH(QString, diverged);
    QFETCH(QString, verdict);
    QFETCH(QString, failing);
    auto in = inputs({history.begin(), history.end()}, {dormant.begin(), dormant.end()},
                     {splits.begin(), splits.end()});
    set_test_predictions(in, seed_right, worsened, improved);
    in.diverged = diverged.toStdString();
    const auto r = make_phase_report(in);
    QCOMPARE(QString(r.verdict()), verdict);
    QCOMPARE(r.criteria.size(), std::size_t(5));
    for (const auto& c : r.criteria) {
      QVERIFY2(c.passed == (QString::fromStdString(c.name) != failing), c.detail.c_str());
    }
    QCOMPARE(r.final_val_accuracy, history.back());
    QCOMPARE(r.test_accuracy, (seed_right - worsened + improved) / double(kTestSize));
    QCOMPARE(r.seed_test_accuracy, seed_right / double(kTestSize));
    QCOMPARE(r.test_size, kTestSize);
  }

  void criteriaComeInTheDocumentedOrder() {
    const auto r = make_phase_report(inputs({0.9, 0.967, 0.971}, {}, {3}));
    QStringList names;
    for (const auto& c : r.criteria) names << QString::fromStdString(c.name);
    QCOMPARE(names, QStringList({"accuracy_not_below_seed", "learned", "not_diverged",
                                 "no_dormant_experts", "one_split_per_cooldown"}));
    QCOMPARE(find_criterion(r, "learned"), &r.criteria[1]);
    QVERIFY(find_criterion(r, "magic") == nullptr);
  }

  void accuracyIsComparedPairedOnTheTestSet() {
    auto in = inputs({0.9, 0.967, 0.971}, {}, {3});
    set_test_predictions(in, 348, 2, 0);
    const auto r = make_phase_report(in);
    const Criterion* c = find_criterion(r, "accuracy_not_below_seed");
    QVERIFY(c && c->ci95 && c->p_value);
    QCOMPARE(c->value, -2.0 / kTestSize);
    QVERIFY(c->ci95->first < c->value && c->value < c->ci95->second);
    QVERIFY(c->ci95->second > 0);  // the interval reaches above 0: no evidence of harm
    QCOMPARE(*c->p_value, 0.5);    // McNemar: 0 improved vs 2 worsened
    QCOMPARE(r.test_worsened, 2);
    QCOMPARE(r.test_improved, 0);
    QVERIFY(QString::fromStdString(c->detail).contains("worse than the seed with 95% confidence"));
    const Criterion* learned = find_criterion(r, "learned");
    QVERIFY(learned->ci95 && learned->ci95->first > 0.9);
  }

  void missingTestPredictionsFailClearly() {
    auto in = inputs({0.9, 0.967, 0.971}, {}, {3});
    in.seed_test_correct.clear();
    in.final_test_correct.clear();
    const auto r = make_phase_report(in);
    QCOMPARE(QString(r.verdict()), QString("NO-GO"));
    QVERIFY(!find_criterion(r, "accuracy_not_below_seed")->passed);
    QVERIFY(!find_criterion(r, "learned")->passed);
    QVERIFY(QString::fromStdString(find_criterion(r, "accuracy_not_below_seed")->detail)
                .contains("no paired test predictions"));
    QVERIFY(std::isnan(r.test_accuracy));
    const auto json = QString::fromStdString(to_json(r));
    QVERIFY(!json.contains("nan", Qt::CaseInsensitive) && !json.contains("inf"));
    const auto o = QJsonDocument::fromJson(json.toUtf8()).object();
    QVERIFY(o["test_accuracy"].isNull());
    QVERIFY(!to_markdown(r).empty());
  }

  void jsonHasTheDocumentedKeys() {
    const auto r = make_phase_report(inputs({0.9, 0.967, 0.971}, {}, {3}));
    const auto text = QByteArray::fromStdString(to_json(r));
    QVERIFY(!text.contains("nan") && !text.contains("NaN") && !text.contains("inf"));
    const auto doc = QJsonDocument::fromJson(text);
    QVERIFY(doc.isObject());
    const auto o = doc.object();
    for (const char* key : {"seed_val_accuracy", "final_val_accuracy", "experts", "dormant",
                            "splits", "utilization", "verdict", "criteria", "test_size",
                            "diverged", "accuracy_rule"}) {
      QVERIFY2(o.contains(key), key);
    }
    for (const auto& [key, value] : report_scalars(r)) {
      QVERIFY2(o.contains(QString::fromStdString(key)), key.c_str());
      QCOMPARE(o[QString::fromStdString(key)].toDouble(), value);
    }
    QCOMPARE(o["verdict"].toString(), QString("GO"));
    QCOMPARE(o["go"].toInt(), 1);
    QCOMPARE(o["dormant"].toInt(), 0);
    QCOMPARE(o["split_count"].toInt(), 1);
    QCOMPARE(o["split_budget"].toInt(), 3);
    QCOMPARE(o["test_size"].toInt(), kTestSize);
    QVERIFY(o["diverged"].isNull());
    QCOMPARE(o["accuracy_rule"].toString(), QString(accuracy_rule()));
    const auto split = o["splits"].toArray().first().toObject();
    QCOMPARE(split["parent"].toInt(), 0);
    QCOMPARE(split["val_accuracy_before"].toDouble(), 0.95);
    QCOMPARE(split["val_accuracy_after"].toDouble(), 0.9444);
    QCOMPARE(split["changed_predictions"].toDouble(), 0.0278);
    QCOMPARE(o["criteria"].toArray().size(), 5);
    const auto accuracy = criterion_json(o, "accuracy_not_below_seed");
    QCOMPARE(accuracy["ci95"].toArray().size(), 2);
    QCOMPARE(accuracy["p_value"].toDouble(), 1.0);  // no sample changed
    QVERIFY(!criterion_json(o, "not_diverged").contains("ci95"));
    QVERIFY(criterion_json(o, "one_split_per_cooldown")["value"].isNull());  // one split: no gap
    QCOMPARE(o["utilization"].toArray().size(), 3);
  }

  void jsonNamesTheDivergence() {
    auto in = inputs({0.9, 0.967, 0.971}, {}, {3});
    in.diverged = "loss was NaN at step 1204";
    const auto o = QJsonDocument::fromJson(QByteArray::fromStdString(to_json(make_phase_report(in))))
                       .object();
    QCOMPARE(o["diverged"].toString(), QString("loss was NaN at step 1204"));
    QCOMPARE(o["verdict"].toString(), QString("NO-GO"));
  }

  void reportScalarsAreNamedOnceInOrder() {
    QStringList keys;
    for (const auto& [key, value] : report_scalars(PhaseReport{})) keys << QString::fromStdString(key);
    QCOMPARE(keys, QStringList({"final_val_accuracy", "seed_val_accuracy", "test_accuracy",
                                "seed_test_accuracy", "experts", "dormant", "split_count",
                                "split_budget", "split_accuracy_change",
                                "split_changed_predictions", "effective_experts", "load_violation",
                                "usage_entropy", "expert_similarity", "go"}));
  }

  void markdownNamesVerdictAndEveryCriterion() {
    auto in = inputs({0.9, 0.967, 0.95}, {1}, {});
    const auto md = QString::fromStdString(to_markdown(make_phase_report(in)));
    QVERIFY(md.contains("**Verdict: NO-GO**"));
    QVERIFY(md.contains("accuracy_not_below_seed | pass"));
    QVERIFY(md.contains("no_dormant_experts | FAIL"));
    QVERIFY(md.contains("| e1 | 79.00% | dormant |"));
  }

  void markdownStatesTheRuleTheIntervalAndTheSplits() {
    auto in = inputs({0.9, 0.967, 0.971}, {}, {3});
    set_test_predictions(in, 348, 3, 1);
    const auto md = QString::fromStdString(to_markdown(make_phase_report(in)));
    QVERIFY(md.contains(accuracy_rule()));
    QVERIFY(md.contains("| Test (360 held-out samples) | 96.67% | 96.11% |"));
    QVERIFY(md.contains("| Validation | 96.70% | 97.10% |"));
    QVERIFY(md.contains("-0.56 points, 95% CI"));
    QVERIFY(md.contains("of 360 samples 1 better, 3 worse"));
    QVERIFY(md.contains("1 of a budget of 3 splits"));
    QVERIFY(md.contains("| 3 | 30 | e0 -> e2 | 95.00% | 94.44% | 2.78% |"));
    QVERIFY(md.contains("Effective experts (exp of the routing entropy): 2.70"));
    QVERIFY(md.contains("Load violation (max / mean utilisation - 1): 0.25"));
  }

  void emptyHistoryIsRefused() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_phase_report(PhaseReportInputs{}));
  }

  void eventsCsvIsATimeline() {
    RunResult r;
    r.splits = {{.epoch = 3, .step = 30, .parent = 0, .child = 2},
                {.epoch = 8, .step = 80, .parent = 2, .child = 3}};
    r.switches = {{5, 50, "entropy_loss", "off", "on"}};
    const auto csv = QString::fromStdString(events_csv(r)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(csv.size(), 4);
    QVERIFY(csv[1].startsWith("split,3,30,0,2"));
    QVERIFY(csv[2].startsWith("switch,5,50,,,,,,entropy_loss,off,on"));
    QVERIFY(csv[3].startsWith("split,8,80,2,3"));
  }
};

QTEST_APPLESS_MAIN(TestReport)
#include "test_report.moc"
