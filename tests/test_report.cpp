// The GO/NO-GO report: criteria, and the files a run writes.
#include "io/run_writer.h"
#include "report/phase_report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace moelab;

namespace {

PhaseReportInputs inputs(std::vector<double> history, std::vector<int> dormant,
                         std::vector<int> split_epochs) {
  PhaseReportInputs in;
  in.accuracy_history = std::move(history);
  in.seed_epochs = 2;
  in.seed_val_accuracy = in.accuracy_history[1];
  in.last_epoch.experts = 3;
  in.last_epoch.utilization = {0.84f, 0.79f, 0.37f};
  in.last_epoch.dormant = std::move(dormant);
  for (int e : split_epochs) in.splits.push_back({e, e * 10, 0, static_cast<int>(in.splits.size()) + 2});
  in.cooldown_window = 5;
  return in;
}

}  // namespace

class TestReport : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void verdict_data() {
    QTest::addColumn<QVector<double>>("history");
    QTest::addColumn<QVector<int>>("dormant");
    QTest::addColumn<QVector<int>>("splits");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("failing");
    QTest::newRow("seed's phase 1") << QVector<double>{0.9, 0.967, 0.96, 0.971} << QVector<int>{}
                                    << QVector<int>{3, 8} << "GO" << "";
    QTest::newRow("accuracy fell") << QVector<double>{0.9, 0.967, 0.96, 0.95} << QVector<int>{}
                                   << QVector<int>{3} << "NO-GO" << "accuracy_not_below_seed";
    QTest::newRow("dormant expert") << QVector<double>{0.9, 0.967, 0.97} << QVector<int>{2}
                                    << QVector<int>{} << "NO-GO" << "no_dormant_experts";
    QTest::newRow("cascade") << QVector<double>{0.9, 0.967, 0.97} << QVector<int>{}
                             << QVector<int>{3, 4} << "NO-GO" << "one_split_per_cooldown";
  }
  void verdict() {
    QFETCH(QVector<double>, history);
    QFETCH(QVector<int>, dormant);
    QFETCH(QVector<int>, splits);
    QFETCH(QString, verdict);
    QFETCH(QString, failing);
    const auto r = make_phase_report(inputs({history.begin(), history.end()},
                                            {dormant.begin(), dormant.end()},
                                            {splits.begin(), splits.end()}));
    QCOMPARE(QString(r.verdict()), verdict);
    for (const auto& c : r.criteria) {
      QCOMPARE(c.passed, QString::fromStdString(c.name) != failing);
    }
    QCOMPARE(r.final_val_accuracy, history.back());
  }

  void jsonHasTheDocumentedKeys() {
    const auto r = make_phase_report(inputs({0.9, 0.967, 0.971}, {}, {3}));
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(to_json(r)));
    QVERIFY(doc.isObject());
    const auto o = doc.object();
    for (const char* key : {"seed_val_accuracy", "final_val_accuracy", "experts", "dormant",
                            "splits", "utilization", "verdict", "criteria"}) {
      QVERIFY2(o.contains(key), key);
    }
    QCOMPARE(o["verdict"].toString(), QString("GO"));
    QCOMPARE(o["dormant"].toInt(), 0);
    QCOMPARE(o["splits"].toArray().first().toObject()["parent"].toInt(), 0);
    QCOMPARE(o["criteria"].toArray().size(), 3);
    QVERIFY(o["criteria"].toArray()[2].toObject()["value"].isNull());  // one split: no gap
    QCOMPARE(o["utilization"].toArray().size(), 3);
  }

  void markdownNamesVerdictAndEveryCriterion() {
    const auto md = QString::fromStdString(to_markdown(make_phase_report(inputs({0.9, 0.967, 0.95}, {1}, {}))));
    QVERIFY(md.contains("**Verdict: NO-GO**"));
    QVERIFY(md.contains("accuracy_not_below_seed | FAIL"));
    QVERIFY(md.contains("no_dormant_experts | FAIL"));
    QVERIFY(md.contains("| e1 | 79.00% | dormant |"));
  }

  void emptyHistoryIsRefused() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_phase_report(PhaseReportInputs{}));
  }

  void eventsCsvIsATimeline() {
    RunResult r;
    r.splits = {{3, 30, 0, 2}, {8, 80, 2, 3}};
    r.switches = {{5, 50, "entropy_loss", "off", "on"}};
    const auto csv = QString::fromStdString(events_csv(r)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(csv.size(), 4);
    QVERIFY(csv[1].startsWith("split,3,30,0,2"));
    QVERIFY(csv[2].startsWith("switch,5,50,,,entropy_loss,off,on"));
    QVERIFY(csv[3].startsWith("split,8,80,2,3"));
  }
};

QTEST_APPLESS_MAIN(TestReport)
#include "test_report.moc"
