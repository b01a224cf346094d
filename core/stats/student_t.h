#pragma once
// Student's t distribution: what turns a handful of seeds into an honest interval. With five
// seeds the 95% multiplier is 2.776, not the normal 1.96.

namespace moelab::stats {

// P(T <= t) for T ~ t(dof), dof > 0 (not necessarily whole). NaN for a bad argument.
double student_t_cdf(double t, double dof);

// The t with P(T <= t) = p; -inf at p = 0, +inf at p = 1, NaN outside [0, 1] or for dof <= 0.
double student_t_quantile(double p, double dof);

}  // namespace moelab::stats
