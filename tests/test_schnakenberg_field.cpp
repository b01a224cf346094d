// The Schnakenberg field on its own: its linearisation, its step, and the pattern it forms.
#include <QtTest>
#include <cmath>
#include <random>

#include "growth/field_growth_policy.h"
#include "growth/schnakenberg_field.h"

using namespace moelab;

namespace {

std::vector<double> small_noise(int cells, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> noise(-1e-3, 1e-3);
  std::vector<double> out(static_cast<std::size_t>(cells));
  for (auto& x : out) x = noise(generator);
  return out;
}

int steps_for(const SchnakenbergParameters& p, double time) {
  return static_cast<int>(std::lround(time / p.dt));
}

}  // namespace

class TestSchnakenbergField : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void defaultsAreInTheTuringRegimeWithAStableStep() {
    const SchnakenbergParameters p;
    const auto t = analyse_schnakenberg(p);
    QCOMPARE(t.u_star, p.a + p.b);
    QVERIFY(t.stable_without_diffusion);
    QVERIFY(t.turing_unstable);
    QVERIFY(t.fastest_growth_rate > 0);
    QVERIFY(p.dt < t.largest_stable_step);
    QVERIFY2(schnakenberg_problem(p).empty(), schnakenberg_problem(p).c_str());
  }

  void aNearUniformRingOfTwelveFormsAPattern() {
    const SchnakenbergParameters p;
    SchnakenbergField field(p, 12, small_noise(12, 7));
    QVERIFY(field.activator_range() < 3e-3);
    field.advance(steps_for(p, 300));
    for (const double u : field.u()) QVERIFY(std::isfinite(u) && u > 0 && u < 50);
    QVERIFY2(field.activator_range() > 0.5, qPrintable(QString::number(field.activator_range())));
  }

  void outsideTheRegimeTheFieldStaysUniform() {
    SchnakenbergParameters p;
    p.dv = p.du;  // equal diffusion: no Turing instability
    const auto problem = schnakenberg_problem(p);
    QVERIFY2(problem.find("uniform") != std::string::npos, problem.c_str());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SchnakenbergField(p, 12));
    SchnakenbergField field(p, 12, small_noise(12, 7), /*allow_any=*/true);
    field.advance(steps_for(p, 300));
    QVERIFY2(field.activator_range() < 1e-6, qPrintable(QString::number(field.activator_range())));
  }

  void anOscillatingSteadyStateIsRefused() {
    SchnakenbergParameters p;
    p.a = 0.05;
    p.b = 0.5;  // b - a > (a + b)^3: unstable without diffusion
    const auto problem = schnakenberg_problem(p);
    QVERIFY2(problem.find("oscillates") != std::string::npos, problem.c_str());
  }

  void anUnstableStepIsRefusedWithTheBound() {
    SchnakenbergParameters p;
    p.dt = 0.1;
    const auto problem = schnakenberg_problem(p);
    QVERIFY2(problem.find("stable explicit step") != std::string::npos, problem.c_str());
    QVERIFY(p.dt >= analyse_schnakenberg(p).largest_stable_step);
  }

  // The default step is not only stable but accurate: halving it changes the pattern little.
  void halvingTheStepChangesLittle() {
    SchnakenbergParameters p;
    SchnakenbergField coarse(p, 12, small_noise(12, 3));
    p.dt /= 2;
    SchnakenbergField fine(p, 12, small_noise(12, 3));
    coarse.advance(steps_for(coarse.parameters(), 100));
    fine.advance(steps_for(p, 100));
    double largest = 0;
    for (int i = 0; i < 12; ++i) largest = std::max(largest, std::abs(coarse.u()[i] - fine.u()[i]));
    QVERIFY2(largest < 0.05 * (1 + coarse.activator_range()), qPrintable(QString::number(largest)));
  }

  void aSourceRaisesItsCellsActivator() {
    const SchnakenbergParameters p;
    SchnakenbergField field(p, 4);
    field.advance(steps_for(p, 2), {0.5, 0, 0, 0});
    QVERIFY(field.u()[0] > field.u()[1] && field.u()[0] > field.u()[2]);
  }

  void aSplitSharesTheParentsExcess() {
    const SchnakenbergParameters p;
    SchnakenbergField field(p, 3);
    field.set_state({1.0, 3.0, 1.0}, {0.9, 0.5, 0.9});
    field.split(1);
    QCOMPARE(field.cells(), 4);
    QCOMPARE(field.u()[1], 2.0);  // u* = 1: excess 2 shared
    QCOMPARE(field.u()[2], 2.0);
    QCOMPARE(field.v()[2], 0.5);
    field.remove(0);
    QCOMPARE(field.cells(), 3);
    QCOMPARE(field.u()[0], 2.0);
  }

  void anEvenRoutingNeverGrows() {
    FieldGrowthPolicy policy({}, 4, 12);
    policy.start_growth(0, 0.0);
    for (int epoch = 1; epoch <= 50; ++epoch) {
      const auto d = policy.decide(epoch, 0.0, {0.25f, 0.25f, 0.25f, 0.25f}, 0);
      QVERIFY(!d.split);
      QCOMPARE(QString(d.reason), QString("below threshold"));
    }
  }

  void anOverloadedExpertSplitsAndItsChildSitsBesideIt() {
    FieldGrowthPolicy policy({}, 3, 12);
    policy.start_growth(0, 0.0);
    GrowthDecision d;
    int epoch = 1;
    for (; epoch <= 20 && !d.split; ++epoch) {
      d = policy.decide(epoch, 0.0, {0.15f, 0.7f, 0.15f}, 0);
    }
    QVERIFY(d.split);
    QCOMPARE(d.parent, 1);
    QCOMPARE(QString(d.reason), QString("field"));
    const double peak = policy.activator_by_expert()[1];
    QVERIFY(peak > policy.threshold());
    policy.record_split(epoch, 1, 3);
    QCOMPARE(policy.ring(), (std::vector<int>{0, 1, 3, 2}));
    const auto u = policy.activator_by_expert();
    QCOMPARE(u.size(), std::size_t(4));
    const double u_star = SchnakenbergParameters{}.a + SchnakenbergParameters{}.b;
    QVERIFY(std::abs(u[1] - (u_star + (peak - u_star) / 2)) < 1e-12);  // the excess is shared
    QCOMPARE(u[3], u[1]);
  }

  void theCooldownAndTheCapStillHold() {
    FieldGrowthPolicy policy({}, 2, 3);
    policy.start_growth(0, 0.0);
    const std::vector<float> overloaded{0.9f, 0.1f};
    QCOMPARE(QString(policy.decide(1, 0.0, overloaded, 5).reason), QString("cooldown"));
    int epoch = 2;
    GrowthDecision d;
    for (; epoch <= 40 && !d.split; ++epoch) d = policy.decide(epoch, 0.0, overloaded, 5);
    QVERIFY(d.split);
    QVERIFY(epoch - 1 >= 5);
    policy.record_split(epoch, 0, 2);
    for (int later = epoch + 1; later <= epoch + 40; ++later) {
      // Three experts: the cap.
      QVERIFY(!policy.decide(later, 0.0, {0.8f, 0.1f, 0.1f}, 0).split);
    }
  }

  // Utilisation sums to k: the field reads each expert's share of it, so an even routing at k = 2
  // feeds no cell and the same shares at any k drive the same field.
  void theLoadIsAShareOfTheRoutedSlots() {
    FieldGrowthPolicy at_k1({}, 3, 12), at_k2({}, 3, 12), even({}, 3, 12);
    for (int epoch = 1; epoch <= 3; ++epoch) {
      at_k1.decide(epoch, 0.0, {0.2f, 0.5f, 0.3f}, 0);
      at_k2.decide(epoch, 0.0, {0.4f, 1.0f, 0.6f}, 0);
      even.decide(epoch, 0.0, {2.0f / 3, 2.0f / 3, 2.0f / 3}, 0);
    }
    const auto u1 = at_k1.activator_by_expert(), u2 = at_k2.activator_by_expert();
    for (int e = 0; e < 3; ++e) QVERIFY(std::abs(u1[e] - u2[e]) < 1e-9);
    QVERIFY(u1[1] > u1[2] && u1[2] > u1[0]);
    const double u_star = SchnakenbergParameters{}.a + SchnakenbergParameters{}.b;
    for (const double u : even.activator_by_expert()) QVERIFY(std::abs(u - u_star) < 1e-6);
  }

  void aPrunedExpertsCellLeavesTheRing() {
    FieldGrowthPolicy policy({}, 4, 12);
    policy.start_growth(0, 0.0);
    policy.decide(1, 0.0, {0.1f, 0.5f, 0.3f, 0.1f}, 0);
    policy.record_split(1, 1, 4);  // ring 0 1 4 2 3
    const auto before = policy.activator_by_expert();
    policy.record_prune(2);  // expert 2 leaves; 3 and 4 move down to 2 and 3
    QCOMPARE(policy.ring(), (std::vector<int>{0, 1, 3, 2}));
    QCOMPARE(policy.activator_by_expert(),
             (std::vector<double>{before[0], before[1], before[3], before[4]}));
    QCOMPARE(policy.field()->activator.size(), std::size_t(4));
    // The field goes on with four cells for four experts.
    QVERIFY(!policy.decide(2, 0.0, {0.25f, 0.25f, 0.25f, 0.25f}, 0).split);
  }

  void theStateRestoresTheFieldExactly() {
    FieldGrowthPolicy policy({}, 3, 12);
    policy.start_growth(0, 0.0);
    GrowthDecision d;
    int epoch = 1;
    for (; epoch <= 20 && !d.split; ++epoch) d = policy.decide(epoch, 0.0, {0.1f, 0.8f, 0.1f}, 0);
    QVERIFY(d.split);
    policy.record_split(epoch, d.parent, 3);
    FieldGrowthPolicy restored({}, 3, 12);
    restored.restore(policy.state());
    QCOMPARE(restored.ring(), policy.ring());
    for (int later = epoch + 1; later <= epoch + 10; ++later) {
      const std::vector<float> load{0.1f, 0.5f, 0.1f, 0.3f};
      const auto a = policy.decide(later, 0.0, load, 0);
      const auto b = restored.decide(later, 0.0, load, 0);
      QCOMPARE(a.split, b.split);
      QCOMPARE(a.parent, b.parent);
      if (a.split) {
        policy.record_split(later, a.parent, 4);
        restored.record_split(later, b.parent, 4);
        break;
      }
    }
    QCOMPARE(restored.activator_by_expert(), policy.activator_by_expert());
    QCOMPARE(restored.inhibitor_by_expert(), policy.inhibitor_by_expert());
  }

  void aThresholdAtTheSteadyStateIsRefused() {
    FieldGrowthSettings settings;
    settings.threshold = settings.field.a + settings.field.b;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FieldGrowthPolicy(settings, 2, 12));
  }
};

QTEST_GUILESS_MAIN(TestSchnakenbergField)
#include "test_schnakenberg_field.moc"
