#include "stats/student_t.h"

#include <cmath>
#include <limits>

#include "stats/special_functions.h"

namespace moelab::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// P(T > t) for t >= 0, straight from the incomplete beta so that a small tail keeps its digits.
double upper_tail(double t, double dof) {
  return 0.5 * regularized_incomplete_beta(dof / 2.0, 0.5, dof / (dof + t * t));
}

// The t >= 0 with P(T > t) = tail, for 0 < tail <= 0.5. The tail falls monotonically in t, so
// bracketing and bisection always converge; each step is one cheap incomplete beta.
double solve_upper_tail(double tail, double dof) {
  double low = 0.0;
  double high = 1.0;
  while (upper_tail(high, dof) > tail) {
    low = high;
    high *= 2.0;
    if (!std::isfinite(high)) return kInfinity;
  }
  for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
    const double middle = 0.5 * (low + high);
    (upper_tail(middle, dof) > tail ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

}  // namespace

double student_t_cdf(double t, double dof) {
  if (std::isnan(t) || !(dof > 0)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = upper_tail(std::fabs(t), dof);
  return t < 0 ? tail : 1.0 - tail;
}

double student_t_quantile(double p, double dof) {
  if (!(p >= 0) || !(p <= 1) || !(dof > 0)) return kNaN;
  if (p == 0) return -kInfinity;
  if (p == 1) return kInfinity;
  if (p == 0.5) return 0.0;
  return p > 0.5 ? solve_upper_tail(1.0 - p, dof) : -solve_upper_tail(p, dof);
}

}  // namespace moelab::stats
