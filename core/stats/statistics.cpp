#include "stats/statistics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "stats/special_functions.h"

namespace moelab::stats {

namespace {

constexpr double kZ975 = 1.959963984540054;  // the standard normal's 97.5% quantile

// Half the width of the 95% t interval of a mean.
double t_half_width(double sd, std::size_t n) {
  const double dof = static_cast<double>(n) - 1.0;
  return student_t_quantile(0.975, dof) * sd / std::sqrt(static_cast<double>(n));
}

std::vector<double> differences(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("paired t test: " + std::to_string(a.size()) + " values against " +
                                std::to_string(b.size()));
  }
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

// P(X <= k) for X ~ binomial(n, 1/2), summed in logs so that large n does not underflow 2^-n.
double binomial_half_cdf(int k, int n) {
  double sum = 0;
  for (int i = 0; i <= k; ++i) {
    sum += std::exp(log_gamma(n + 1.0) - log_gamma(i + 1.0) - log_gamma(n - i + 1.0) -
                    n * std::log(2.0));
  }
  return sum;
}

// Newcombe's estimate of the correlation between the two paired accuracies: the phi coefficient
// of the 2x2 table, with a positive association shrunk by n/2 (Newcombe 1998; Fagerland,
// Lydersen and Laake 2017, ch. 8), 0 when a margin is empty.
double newcombe_phi(int both, int improved, int worsened, int neither) {
  const double n = both + improved + worsened + neither;
  const double after_right = both + improved, after_wrong = worsened + neither;
  const double before_right = both + worsened, before_wrong = improved + neither;
  const double margins = after_right * after_wrong * before_right * before_wrong;
  if (margins == 0) return 0.0;
  const double a = static_cast<double>(both) * neither - static_cast<double>(improved) * worsened;
  if (a > n / 2) return (a - n / 2) / std::sqrt(margins);
  if (a >= 0) return 0.0;
  return a / std::sqrt(margins);
}

// sqrt(x² - 2·phi·x·y + y²), the "square and add" of two one-sided distances.
double square_and_add(double x, double y, double phi) {
  return std::sqrt(std::max(0.0, x * x - 2.0 * phi * x * y + y * y));
}

}  // namespace

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double sample_sd(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double squares = 0;
  for (double v : values) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

Interval t_interval95(const std::vector<double>& values) {
  if (values.size() < 2) return {};
  const double m = mean(values);
  const double half = t_half_width(sample_sd(values), values.size());
  return {m - half, m + half};
}

PairedTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  const auto d = differences(a, b);
  PairedTest test;
  test.n = static_cast<int>(d.size());
  test.mean_diff = mean(d);
  if (d.size() < 2) return test;
  // Identical differences: no spread to test against, the data are exact.
  if (std::all_of(d.begin(), d.end(), [&](double x) { return x == d.front(); })) {
    test.mean_diff = d.front();
    test.ci95 = {d.front(), d.front()};
    test.p_value = d.front() == 0 ? 1.0 : 0.0;
    return test;
  }
  const double sd = sample_sd(d);
  const double se = sd / std::sqrt(static_cast<double>(d.size()));
  const double dof = static_cast<double>(d.size()) - 1.0;
  const double half = t_half_width(sd, d.size());
  test.ci95 = {test.mean_diff - half, test.mean_diff + half};
  test.p_value = std::min(1.0, 2.0 * student_t_cdf(-std::fabs(test.mean_diff / se), dof));
  return test;
}

Interval wilson_interval95(int successes, int n) {
  if (n <= 0) return {};
  const double p = static_cast<double>(successes) / n;
  const double z2 = kZ975 * kZ975;
  const double scale = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / scale;
  const double half = kZ975 / scale * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double mcnemar_exact_p(int improved, int worsened) {
  const int discordant = improved + worsened;
  if (discordant == 0) return 1.0;
  return std::min(1.0, 2.0 * binomial_half_cdf(std::min(improved, worsened), discordant));
}

PairedProportion compare_paired_counts(int both, int improved, int worsened, int neither) {
  PairedProportion r;
  r.improved = improved;
  r.worsened = worsened;
  r.n = both + improved + worsened + neither;
  r.p_value = mcnemar_exact_p(improved, worsened);
  if (r.n == 0) return r;
  const double after = static_cast<double>(both + improved) / r.n;
  const double before = static_cast<double>(both + worsened) / r.n;
  r.difference = after - before;
  const Interval a = wilson_interval95(both + improved, r.n);
  const Interval b = wilson_interval95(both + worsened, r.n);
  const double phi = newcombe_phi(both, improved, worsened, neither);
  r.ci95 = {r.difference - square_and_add(after - a.low, b.high - before, phi),
            r.difference + square_and_add(before - b.low, a.high - after, phi)};
  return r;
}

PairedProportion compare_paired_correct(const std::vector<bool>& before,
                                        const std::vector<bool>& after) {
  if (before.size() != after.size()) {
    throw std::invalid_argument("paired comparison: " + std::to_string(before.size()) +
                                " samples before against " + std::to_string(after.size()) +
                                " after");
  }
  int both = 0, improved = 0, worsened = 0, neither = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] && after[i]) ++both;
    else if (after[i]) ++improved;
    else if (before[i]) ++worsened;
    else ++neither;
  }
  return compare_paired_counts(both, improved, worsened, neither);
}

}  // namespace moelab::stats
