#pragma once
// The statistics behind the lab's claims: intervals over seeds, paired tests between arms, and
// paired comparisons of two models on the same test samples. Every interval is 95%. Where the
// data cannot support a figure (fewer than two values), the figure is NaN, never a made-up 0;
// writers print it as "n/a" or null.

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "stats/student_t.h"

namespace moelab::stats {

struct Interval {
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();

  bool defined() const { return !std::isnan(low) && !std::isnan(high); }
  bool contains(double x) const { return low <= x && x <= high; }
};

double mean(const std::vector<double>& values);       // NaN when empty
double sample_sd(const std::vector<double>& values);  // divides by n - 1; 0 when n < 2

// mean ± t(0.975, n-1) · sd / √n; NaN bounds when n < 2.
Interval t_interval95(const std::vector<double>& values);

struct PairedTest {
  double mean_diff = std::numeric_limits<double>::quiet_NaN();  // mean of a - b
  Interval ci95;                                                // of the mean difference
  double p_value = std::numeric_limits<double>::quiet_NaN();    // two-sided, H0: mean diff 0
  int n = 0;                                                    // pairs
};

// Paired t test of a - b (a[i] and b[i] come from the same seed). Throws std::invalid_argument
// when the sizes differ. With n < 2 only mean_diff is defined. When every difference is the same
// the t statistic is 0/0 or d/0: p is 1 if that difference is 0 and 0 otherwise, and the
// interval is [d, d].
PairedTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

// Wilson's score interval for a proportion; unlike the textbook p ± 1.96·se it stays inside
// [0, 1] and does not collapse at 0 or n successes. NaN bounds when n = 0.
Interval wilson_interval95(int successes, int n);

// Exact two-sided McNemar test: under H0 a discordant pair is equally likely to go either way,
// so min(improved, worsened) is binomial(improved + worsened, 1/2). p = 1 with no discordant pair.
double mcnemar_exact_p(int improved, int worsened);

struct PairedProportion {
  double difference = std::numeric_limits<double>::quiet_NaN();  // accuracy after - before
  Interval ci95;      // Newcombe's hybrid score interval for the difference
  double p_value = 1; // exact McNemar
  int improved = 0;   // wrong before, right after
  int worsened = 0;   // right before, wrong after
  int n = 0;
};

// Two classifiers judged on the same samples. `both` right, `improved`, `worsened`, `neither`.
// The interval is method 10 of Newcombe (1998, Statistics in Medicine 17:2635): Wilson intervals
// of the two accuracies combined ("square and add") with their estimated correlation. Paired
// samples make it far narrower than comparing two independent accuracies would.
PairedProportion compare_paired_counts(int both, int improved, int worsened, int neither);

// The same from per-sample correctness, before[i] and after[i] on the same sample i. Throws
// std::invalid_argument when the sizes differ.
PairedProportion compare_paired_correct(const std::vector<bool>& before,
                                        const std::vector<bool>& after);

}  // namespace moelab::stats
