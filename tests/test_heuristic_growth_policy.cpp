// The growth heuristic's decisions, one rule at a time.
#include "growth/heuristic_growth_policy.h"

#include <QtTest>

using namespace moelab;

class TestHeuristicGrowthPolicy : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void splitsBusiestExpertOnPlateau() {
    HeuristicGrowthPolicy policy(12, 0.0);
    policy.start_growth(0, 0.90);
    const auto d = policy.decide(1, 0.90, {0.5f, 0.9f, 0.6f}, 0);
    QVERIFY(d.split);
    QCOMPARE(d.parent, 1);
  }

  void noSplitWhileImproving() {
    HeuristicGrowthPolicy policy(12, 0.0);
    policy.start_growth(0, 0.90);
    QVERIFY(!policy.decide(1, 0.91, {1.f, 1.f}, 0).split);
    QVERIFY(policy.decide(2, 0.905, {1.f, 1.f}, 0).split);  // below the new best
  }

  void minDeltaRequiresRealImprovement() {
    HeuristicGrowthPolicy policy(12, 0.01);
    policy.start_growth(0, 0.90);
    QVERIFY(policy.decide(1, 0.905, {1.f, 1.f}, 0).split);
  }

  void cooldownSpacesSplits() {
    HeuristicGrowthPolicy policy(12, 0.0);
    policy.start_growth(0, 1.0);
    int splits = 0;
    std::vector<int> epochs;
    for (int epoch = 1; epoch <= 14; ++epoch) {
      if (policy.decide(epoch, 0.5, {1.f, 1.f}, 5).split) {
        policy.record_split(epoch, 0, 2);
        epochs.push_back(epoch);
        ++splits;
      }
    }
        // The start of growth counts as the last change: the first split waits a window too.
    QCOMPARE(epochs, (std::vector<int>{5, 10}));
    QCOMPARE(splits, 2);
  }

  void noCooldownSplitsAtOnce() {
    HeuristicGrowthPolicy policy(12, 0.0);
    policy.start_growth(20, 1.0);
    QVERIFY(policy.decide(21, 0.5, {1.f, 1.f}, 0).split);
  }

  void capStopsGrowth() {
    HeuristicGrowthPolicy policy(3, 0.0);
    policy.start_growth(0, 1.0);
    const auto d = policy.decide(1, 0.5, {1.f, 0.5f, 0.5f}, 0);
    QVERIFY(!d.split);
    QCOMPARE(QString(d.reason), QString("cap"));
  }
};

QTEST_APPLESS_MAIN(TestHeuristicGrowthPolicy)
#include "test_heuristic_growth_policy.moc"
