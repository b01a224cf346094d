#include "growth/schnakenberg_field.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

namespace moelab {

namespace {

// The ring Laplacian's eigenvalues at unit spacing are -q^2 with q^2 = 2 - 2 cos(2 pi k / N),
// all in [0, 4]: sampled finely enough that no band of growing modes slips between samples.
constexpr int kWavenumberSamples = 4000;
constexpr double kLargestQ2 = 4.0;

struct Jacobian {
  double fu, fv, gu, gv;
};

Jacobian reaction_jacobian(const SchnakenbergParameters& p, double u, double v) {
  return {p.gamma * (-1 + 2 * u * v), p.gamma * u * u, p.gamma * (-2 * u * v), p.gamma * -u * u};
}

// Eigenvalues of J - q^2 diag(Du, Dv).
std::pair<std::complex<double>, std::complex<double>> mode_eigenvalues(
    const Jacobian& j, const SchnakenbergParameters& p, double q2) {
  const double a = j.fu - q2 * p.du;
  const double d = j.gv - q2 * p.dv;
  const double trace = a + d;
  const double det = a * d - j.fv * j.gu;
  const std::complex<double> root = std::sqrt(std::complex<double>(trace * trace - 4 * det));
  return {(trace + root) / 2.0, (trace - root) / 2.0};
}

std::vector<double> ring_laplacian(const std::vector<double>& x) {
  const std::size_t n = x.size();
  std::vector<double> out(n, 0.0);
  if (n < 2) return out;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = x[(i + n - 1) % n] - 2 * x[i] + x[(i + 1) % n];
  }
  return out;
}

}  // namespace

TuringAnalysis analyse_schnakenberg(const SchnakenbergParameters& p) {
  TuringAnalysis t;
  t.u_star = p.a + p.b;
  t.v_star = p.b / (t.u_star * t.u_star);
  const Jacobian j = reaction_jacobian(p, t.u_star, t.v_star);
  t.stable_without_diffusion = j.fu + j.gv < 0 && j.fu * j.gv - j.fv * j.gu > 0;
  t.fastest_growth_rate = -std::numeric_limits<double>::infinity();
  t.largest_stable_step = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= kWavenumberSamples; ++i) {
    const double q2 = kLargestQ2 * i / kWavenumberSamples;
    const auto [first, second] = mode_eigenvalues(j, p, q2);
    for (const auto& lambda : {first, second}) {
      // Euler multiplies a mode by 1 + dt lambda: a decaying one must keep |1 + dt lambda| < 1.
      if (lambda.real() < 0) {
        t.largest_stable_step =
            std::min(t.largest_stable_step, -2 * lambda.real() / std::norm(lambda));
      }
    }
    const double growth = std::max(first.real(), second.real());
    if (i > 0 && growth > t.fastest_growth_rate) {
      t.fastest_growth_rate = growth;
      t.fastest_q2 = q2;
    }
  }
  t.turing_unstable = t.stable_without_diffusion && t.fastest_growth_rate > 0;
  return t;
}

std::string schnakenberg_problem(const SchnakenbergParameters& p) {
  if (!(p.a > 0 && p.b > 0 && p.gamma > 0 && p.du > 0 && p.dv > 0 && p.dt > 0)) {
    return "a, b, gamma, Du, Dv and dt must all be positive";
  }
  const auto t = analyse_schnakenberg(p);
  if (!t.stable_without_diffusion) {
    return "the steady state is unstable even without diffusion (need b - a < (a + b)^3), so "
           "the field oscillates instead of forming a pattern";
  }
  if (!t.turing_unstable) {
    return "no wavenumber on the ring grows (Turing needs Dv/Du large enough: "
           "Dv (b - a) > Du (a + b)^3 and more), so the field stays uniform";
  }
  if (p.dt >= t.largest_stable_step) {
    return "dt = " + std::to_string(p.dt) + " is not a stable explicit step; it must be below " +
           std::to_string(t.largest_stable_step);
  }
  return {};
}

SchnakenbergField::SchnakenbergField(const SchnakenbergParameters& p, int cells,
                                     const std::vector<double>& perturbation, bool allow_any)
    : p_(p), analysis_(analyse_schnakenberg(p)) {
  if (!allow_any) {
    if (const auto problem = schnakenberg_problem(p); !problem.empty()) {
      throw std::invalid_argument("Schnakenberg field: " + problem);
    }
  }
  if (cells < 1) throw std::invalid_argument("Schnakenberg field: at least one cell");
  u_.assign(static_cast<std::size_t>(cells), analysis_.u_star);
  v_.assign(static_cast<std::size_t>(cells), analysis_.v_star);
  for (std::size_t i = 0; i < perturbation.size() && i < u_.size(); ++i) u_[i] += perturbation[i];
}

void SchnakenbergField::advance(int steps, const std::vector<double>& source) {
  for (int step = 0; step < steps; ++step) {
    const auto lap_u = ring_laplacian(u_);
    const auto lap_v = ring_laplacian(v_);
    for (std::size_t i = 0; i < u_.size(); ++i) {
      const double uuv = u_[i] * u_[i] * v_[i];
      const double s = i < source.size() ? source[i] : 0.0;
      const double du = p_.du * lap_u[i] + p_.gamma * (p_.a - u_[i] + uuv) + s;
      const double dv = p_.dv * lap_v[i] + p_.gamma * (p_.b - uuv);
      u_[i] += p_.dt * du;
      v_[i] += p_.dt * dv;
    }
  }
}

void SchnakenbergField::split(int parent) {
  const auto at = static_cast<std::size_t>(parent);
  const double shared = analysis_.u_star + (u_.at(at) - analysis_.u_star) / 2;
  u_[at] = shared;
  u_.insert(u_.begin() + static_cast<std::ptrdiff_t>(at) + 1, shared);
  v_.insert(v_.begin() + static_cast<std::ptrdiff_t>(at) + 1, v_[at]);
}

void SchnakenbergField::remove(int cell) {
  if (cells() <= 1) throw std::invalid_argument("Schnakenberg field: the last cell stays");
  u_.erase(u_.begin() + cell);
  v_.erase(v_.begin() + cell);
}

double SchnakenbergField::activator_range() const {
  const auto [lo, hi] = std::minmax_element(u_.begin(), u_.end());
  return *hi - *lo;
}

void SchnakenbergField::set_state(std::vector<double> u, std::vector<double> v) {
  if (u.size() != v.size() || u.empty()) {
    throw std::invalid_argument("Schnakenberg field: u and v must have one value per cell");
  }
  u_ = std::move(u);
  v_ = std::move(v);
}

}  // namespace moelab
