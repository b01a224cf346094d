// The statistics behind the report and the ablation summary, against published values and
// closed forms.
#include "stats/special_functions.h"
#include "stats/statistics.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include <QtTest>

using namespace moelab::stats;

namespace {

bool close(double a, double b, double tolerance) { return std::fabs(a - b) <= tolerance; }

QString pair_text(double a, double b) { return QString("%1 vs %2").arg(a, 0, 'g', 12).arg(b, 0, 'g', 12); }

// Student t CDFs with a closed form (dof 1, 2 and 3).
double closed_form_cdf(double t, int dof) {
  switch (dof) {
    case 1: return 0.5 + std::atan(t) / std::numbers::pi;
    case 2: return 0.5 + t / (2.0 * std::sqrt(2.0 + t * t));
    default: {
      const double x = t / std::sqrt(3.0);
      return 0.5 + (x / (1.0 + x * x) + std::atan(x)) / std::numbers::pi;
    }
  }
}

std::vector<bool> repeat(bool value, int n) { return std::vector<bool>(static_cast<std::size_t>(n), value); }

std::vector<bool> concat(std::initializer_list<std::vector<bool>> parts) {
  std::vector<bool> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

}  // namespace

class TestStats : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void logGammaMatchesFactorials() {
    QVERIFY(close(log_gamma(1), 0, 1e-14));
    QVERIFY(close(log_gamma(11), std::log(3628800.0), 1e-12));
    QVERIFY(close(log_gamma(0.5), 0.5 * std::log(std::numbers::pi), 1e-14));
    QVERIFY(close(log_gamma(0.25), std::log(3.6256099082219083), 1e-13));
  }

  void incompleteBetaKnownValues() {
    QVERIFY(close(regularized_incomplete_beta(1, 1, 0.3), 0.3, 1e-14));   // uniform
    QVERIFY(close(regularized_incomplete_beta(2, 1, 0.3), 0.09, 1e-14));  // x^a
    QVERIFY(close(regularized_incomplete_beta(2, 3, 0.4), 0.5248, 1e-13));
    QVERIFY(close(regularized_incomplete_beta(2, 3, 0.4) + regularized_incomplete_beta(3, 2, 0.6), 1, 1e-14));
    QCOMPARE(regularized_incomplete_beta(2, 3, 0), 0.0);
    QCOMPARE(regularized_incomplete_beta(2, 3, 1), 1.0);
    QVERIFY(std::isnan(regularized_incomplete_beta(2, 3, 1.5)));
  }

  void tQuantileMatchesTables_data() {
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("dof");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("0.975, 9 dof") << 0.975 << 9.0 << 2.262157 << 1e-6;
    QTest::newRow("0.975, 1 dof") << 0.975 << 1.0 << 12.7062 << 1e-4;
    QTest::newRow("0.975, 4 dof (five seeds)") << 0.975 << 4.0 << 2.776445 << 1e-6;
    QTest::newRow("0.995, 30 dof") << 0.995 << 30.0 << 2.749996 << 1e-6;
    QTest::newRow("0.025, 9 dof") << 0.025 << 9.0 << -2.262157 << 1e-6;
    QTest::newRow("median") << 0.5 << 7.0 << 0.0 << 0.0;
    QTest::newRow("1e6 dof is normal") << 0.975 << 1e6 << 1.959966 << 1e-6;
  }
  void tQuantileMatchesTables() {
    QFETCH(double, p);
    QFETCH(double, dof);
    QFETCH(double, expected);
    QFETCH(double, tolerance);
    const double q = student_t_quantile(p, dof);
    QVERIFY2(close(q, expected, tolerance), qPrintable(pair_text(q, expected)));
    QVERIFY(close(student_t_cdf(q, dof), p, 1e-12));
  }

  void tCdfMatchesClosedForms_data() {
    QTest::addColumn<double>("t");
    QTest::addColumn<int>("dof");
    for (int dof : {1, 2, 3}) {
      for (double t : {-30.0, -2.5, -0.3, 0.0, 0.7, 1.9, 12.0}) {
        QTest::addRow("t=%g dof=%d", t, dof) << t << dof;
      }
    }
  }
  void tCdfMatchesClosedForms() {
    QFETCH(double, t);
    QFETCH(int, dof);
    const double cdf = student_t_cdf(t, dof);
    const double expected = closed_form_cdf(t, dof);
    QVERIFY2(close(cdf, expected, 1e-13), qPrintable(pair_text(cdf, expected)));
  }

  void tEdgeCases() {
    QVERIFY(std::isinf(student_t_quantile(1, 5)));
    QVERIFY(student_t_quantile(0, 5) < 0 && std::isinf(student_t_quantile(0, 5)));
    QVERIFY(std::isnan(student_t_quantile(0.975, 0)));
    QVERIFY(std::isnan(student_t_quantile(1.2, 3)));
    QVERIFY(std::isnan(student_t_cdf(1, -1)));
    // A far tail keeps its digits (no 1 - (1 - tiny)): 2 * P(T > 40), 10 dof, is about 2.3e-12.
    const double tail = student_t_cdf(-40, 10);
    QVERIFY(tail > 0 && tail < 1e-11);
  }

  void meanAndSampleSd() {
    const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
    QCOMPARE(mean(v), 5.0);
    QVERIFY(close(sample_sd(v), std::sqrt(32.0 / 7.0), 1e-14));  // n - 1, not the population 2
    QCOMPARE(sample_sd({3.0}), 0.0);
    QCOMPARE(sample_sd({}), 0.0);
    QVERIFY(std::isnan(mean({})));
  }

  void tIntervalByHand() {
    // 3 ± t(0.975, 4) * sqrt(2.5) / sqrt(5)
    const auto ci = t_interval95({1, 2, 3, 4, 5});
    QVERIFY(close(ci.low, 3 - 2.776445105 * std::sqrt(0.5), 1e-8));
    QVERIFY(close(ci.high, 3 + 2.776445105 * std::sqrt(0.5), 1e-8));
    QVERIFY(!t_interval95({0.9}).defined());
    QVERIFY(!t_interval95({}).defined());
  }

  void pairedTTestByHand() {
    // Differences 2, 3, 1, 4: mean 2.5, sd sqrt(5/3), se 0.6454972, t = 3.8729833 on 3 dof;
    // p from the closed-form CDF for 3 dof, interval with t(0.975, 3) = 3.1824463.
    const auto test = paired_t_test({5, 7, 9, 6}, {3, 4, 8, 2});
    QCOMPARE(test.n, 4);
    QCOMPARE(test.mean_diff, 2.5);
    QVERIFY2(close(test.p_value, 0.030466292, 1e-8), qPrintable(QString::number(test.p_value, 'g', 10)));
    QVERIFY(close(test.ci95.low, 2.5 - 3.182446305 * 0.645497224, 1e-8));
    QVERIFY(close(test.ci95.high, 2.5 + 3.182446305 * 0.645497224, 1e-8));
    // Swapping the arms flips the sign and keeps the p-value.
    const auto swapped = paired_t_test({3, 4, 8, 2}, {5, 7, 9, 6});
    QCOMPARE(swapped.mean_diff, -2.5);
    QVERIFY(close(swapped.p_value, test.p_value, 1e-15));
  }

  void pairedTTestDegenerateCases() {
    const auto same = paired_t_test({0.9, 0.8, 0.7}, {0.9, 0.8, 0.7});
    QCOMPARE(same.p_value, 1.0);
    QCOMPARE(same.ci95.low, 0.0);
    QCOMPARE(same.ci95.high, 0.0);
    const auto shifted = paired_t_test({3, 4, 5}, {2, 3, 4});
    QCOMPARE(shifted.mean_diff, 1.0);
    QCOMPARE(shifted.p_value, 0.0);
    QCOMPARE(shifted.ci95.low, 1.0);
    QCOMPARE(shifted.ci95.high, 1.0);
    const auto one = paired_t_test({3}, {1});
    QCOMPARE(one.mean_diff, 2.0);
    QVERIFY(std::isnan(one.p_value));
    QVERIFY(!one.ci95.defined());
    QVERIFY(std::isnan(paired_t_test({}, {}).mean_diff));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, paired_t_test({1, 2}, {1}));
  }

  void wilsonIntervalPublishedValues() {
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion": 81 of 263.
    const auto a = wilson_interval95(81, 263);
    QVERIFY(close(a.low, 0.2553, 5e-5) && close(a.high, 0.3662, 5e-5));
    // 0 of 10: the interval does not collapse to [0, 0].
    const auto b = wilson_interval95(0, 10);
    QCOMPARE(b.low, 0.0);
    QVERIFY(close(b.high, 0.2775, 5e-5));
    const auto c = wilson_interval95(10, 10);
    QVERIFY(close(c.low, 1 - 0.2775, 5e-5));
    QCOMPARE(c.high, 1.0);
    QVERIFY(!wilson_interval95(0, 0).defined());
  }

  void mcnemarExact_data() {
    QTest::addColumn<int>("improved");
    QTest::addColumn<int>("worsened");
    QTest::addColumn<double>("p");
    QTest::newRow("10 vs 2") << 10 << 2 << 0.0385742;  // 2 * 79 / 4096
    QTest::newRow("2 vs 10") << 2 << 10 << 0.0385742;
    QTest::newRow("no discordant pair") << 0 << 0 << 1.0;
    QTest::newRow("even") << 3 << 3 << 1.0;
    QTest::newRow("0 vs 5") << 0 << 5 << 0.0625;       // 2 / 32
    QTest::newRow("6 vs 16") << 6 << 16 << 0.0524788;  // 2 * 110056 / 2^22, Cavo et al. (2012)
  }
  void mcnemarExact() {
    QFETCH(int, improved);
    QFETCH(int, worsened);
    QFETCH(double, p);
    QVERIFY2(close(mcnemar_exact_p(improved, worsened), p, 5e-7),
             qPrintable(pair_text(mcnemar_exact_p(improved, worsened), p)));
  }

  void mcnemarLargeSamplesDoNotUnderflow() {
    const double p = mcnemar_exact_p(700, 720);  // 2^-1420 underflows a double
    QVERIFY(p > 0.5 && p <= 1);
  }

  // Worked examples of the Newcombe square-and-add interval for paired proportions, from
  // Fagerland, Lydersen and Laake, "Statistical Analysis of Contingency Tables" (2017), ch. 8.
  void newcombePublishedExamples_data() {
    QTest::addColumn<int>("both");
    QTest::addColumn<int>("improved");
    QTest::addColumn<int>("worsened");
    QTest::addColumn<int>("neither");
    QTest::addColumn<double>("difference");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    QTest::newRow("Cavo et al. 2012") << 59 << 6 << 16 << 80 << -0.0621 << -0.1186 << -0.0046;
    QTest::newRow("one of each") << 1 << 0 << 0 << 1 << 0.0 << -0.5734 << 0.5734;
  }
  void newcombePublishedExamples() {
    QFETCH(int, both);
    QFETCH(int, improved);
    QFETCH(int, worsened);
    QFETCH(int, neither);
    QFETCH(double, difference);
    QFETCH(double, low);
    QFETCH(double, high);
    const auto r = compare_paired_counts(both, improved, worsened, neither);
    QVERIFY(close(r.difference, difference, 5e-5));
    QVERIFY2(close(r.ci95.low, low, 5e-5), qPrintable(pair_text(r.ci95.low, low)));
    QVERIFY2(close(r.ci95.high, high, 5e-5), qPrintable(pair_text(r.ci95.high, high)));
  }

  void newcombeIntervalProperties_data() {
    QTest::addColumn<int>("both");
    QTest::addColumn<int>("improved");
    QTest::addColumn<int>("worsened");
    QTest::addColumn<int>("neither");
    QTest::newRow("no change") << 340 << 0 << 0 << 20;
    QTest::newRow("small dip") << 340 << 3 << 5 << 12;
    QTest::newRow("large loss") << 200 << 2 << 110 << 48;
    QTest::newRow("all right") << 360 << 0 << 0 << 0;
    QTest::newRow("all wrong") << 0 << 0 << 0 << 360;
    QTest::newRow("all improved") << 0 << 50 << 0 << 0;
  }
  void newcombeIntervalProperties() {
    QFETCH(int, both);
    QFETCH(int, improved);
    QFETCH(int, worsened);
    QFETCH(int, neither);
    const auto r = compare_paired_counts(both, improved, worsened, neither);
    QVERIFY(r.ci95.defined());
    QVERIFY(r.ci95.contains(r.difference));
    QVERIFY(r.ci95.low >= -1 && r.ci95.high <= 1);
    // Four times the samples with the same shares: a narrower interval around the same estimate.
    const auto big = compare_paired_counts(4 * both, 4 * improved, 4 * worsened, 4 * neither);
    QVERIFY(close(big.difference, r.difference, 1e-15));
    QVERIFY(big.ci95.high - big.ci95.low < r.ci95.high - r.ci95.low);
  }

  void comparePairedCorrectCountsSamples() {
    // 6 both right, 2 improved, 1 worsened, 1 neither.
    const auto before = concat({repeat(true, 6), repeat(false, 2), repeat(true, 1), repeat(false, 1)});
    const auto after = concat({repeat(true, 6), repeat(true, 2), repeat(false, 1), repeat(false, 1)});
    const auto r = compare_paired_correct(before, after);
    QCOMPARE(r.n, 10);
    QCOMPARE(r.improved, 2);
    QCOMPARE(r.worsened, 1);
    QVERIFY(close(r.difference, 0.1, 1e-15));  // 0.8 after - 0.7 before
    const auto same = compare_paired_counts(6, 2, 1, 1);
    QCOMPARE(r.ci95.low, same.ci95.low);
    QCOMPARE(r.ci95.high, same.ci95.high);
    QCOMPARE(r.p_value, 1.0);  // 2 vs 1 discordant: 2 * P(X <= 1 | 3) = 1
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, compare_paired_correct({true}, {true, false}));
    const auto empty = compare_paired_correct({}, {});
    QVERIFY(std::isnan(empty.difference));
    QVERIFY(!empty.ci95.defined());
  }
};

QTEST_APPLESS_MAIN(TestStats)
#include "test_stats.moc"
