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
    policy.start_growth(0);
    for (int epoch = 1; epoch <= 50; ++epoch) {
      const auto d = policy.decide(epoch, {0.25f, 0.25f, 0.25f, 0.25f}, 0);
      QVERIFY(!d.split);
      QCOMPARE(QString(d.reason), QString("below threshold"));
    }
  }

  void anOverloadedExpertSplitsAndItsChildSitsBesideIt() {
    FieldGrowthPolicy policy({}, 3, 12);
    policy.start_growth(0);
    GrowthDecision d;
    int epoch = 1;
    for (; epoch <= 20 && !d.split; ++epoch) d = policy.decide(epoch, {0.15f, 0.7f, 0.15f}, 0);
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
    policy.start_growth(0);
    const std::vector<float> overloaded{0.9f, 0.1f};
    QCOMPARE(QString(policy.decide(1, overloaded, 5).reason), QString("cooldown"));
    int epoch = 2;
    GrowthDecision d;
    for (; epoch <= 40 && !d.split; ++epoch) d = policy.decide(epoch, overloaded, 5);
    QVERIFY(d.split);
    QVERIFY(epoch - 1 >= 5);
    policy.record_split(epoch, 0, 2);
    for (int later = epoch + 1; later <= epoch + 40; ++later) {
      QVERIFY(!policy.decide(later, {0.8f, 0.1f, 0.1f}, 0).split);  // three experts: the cap
    }
  }

  void aThresholdAtTheSteadyStateIsRefused() {
    FieldGrowthSettings settings;
    settings.threshold = settings.field.a + settings.field.b;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FieldGrowthPolicy(settings, 2, 12));
  }
};

QTEST_GUILESS_MAIN(TestSchnakenbergField)
#include "test_schnakenberg_field.moc"
