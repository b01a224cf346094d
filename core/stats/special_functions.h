#pragma once
// The two special functions the lab's statistics rest on. Written here rather than taken from a
// library: the core's dependencies stay LibTorch, spdlog and zlib, and std::lgamma writes the
// global `signgam`, a data race when an ablation builds reports on several threads at once.

namespace moelab::stats {

// log Γ(x) for x > 0 (Lanczos, relative error about 1e-15).
double log_gamma(double x);

// The regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1, by its
// continued fraction (Lentz's method). Accurate in both tails: no 1 - (1 - small) cancellation.
double regularized_incomplete_beta(double a, double b, double x);

}  // namespace moelab::stats
