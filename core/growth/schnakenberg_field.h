#pragma once
// A Schnakenberg reaction-diffusion field on a ring of cells, one cell per expert: an activator u
// and an inhibitor v,
//   du/dt = Du Lap(u) + gamma (a - u + u^2 v) + s_i
//   dv/dt = Dv Lap(v) + gamma (b - u^2 v)
// where Lap is the ring's discrete Laplacian (neighbours i - 1 and i + 1, unit spacing) and s_i a
// source that couples the field to training. Integrated by explicit Euler. No LibTorch, no Qt:
// plain numbers, so that it can be checked against its linearisation.

#include <string>
#include <vector>

namespace moelab {

struct SchnakenbergParameters {
  double a = 0.1;
  double b = 0.9;
  double gamma = 1.0;
  double du = 1.0;    // activator diffusion
  double dv = 40.0;   // inhibitor diffusion: far faster than the activator's (Turing)
  double dt = 0.005;  // explicit Euler step
};

// What the linearisation at the homogeneous steady state (u*, v*) = (a + b, b / (a + b)^2) says.
struct TuringAnalysis {
  double u_star = 0;
  double v_star = 0;
  // Stable without diffusion (trace < 0, det > 0) and unstable with it for some wavenumber:
  // the four classic conditions, in the form of the growth rate's sign over q^2 in (0, 4], the
  // range of the ring Laplacian's eigenvalues at unit spacing.
  bool stable_without_diffusion = false;
  bool turing_unstable = false;
  double fastest_q2 = 0;          // the q^2 in (0, 4] with the largest growth rate
  double fastest_growth_rate = 0; // that growth rate (> 0 when Turing unstable)
  // Explicit Euler is stable for every decaying mode while dt is below this.
  double largest_stable_step = 0;
};

TuringAnalysis analyse_schnakenberg(const SchnakenbergParameters& p);

// Empty when `p` holds a Turing pattern and dt is a stable step; otherwise one sentence why not.
std::string schnakenberg_problem(const SchnakenbergParameters& p);

class SchnakenbergField {
 public:
  // Starts every cell at the steady state, with `perturbation` (one value per cell, may be
  // empty) added to u: the seed of any pattern. Throws std::invalid_argument with
  // schnakenberg_problem()'s sentence when the parameters are outside the Turing regime or the
  // step is unstable, unless `allow_any` (for tests of the uniform case).
  SchnakenbergField(const SchnakenbergParameters& p, int cells,
                    const std::vector<double>& perturbation = {}, bool allow_any = false);

  // `steps` Euler steps with source s_i = source[i] (empty: no source).
  void advance(int steps, const std::vector<double>& source = {});

  // A split: the child is a new cell right after `parent` on the ring. Both take the parent's
  // inhibitor; the activator's excess over u* is shared equally, so the peak that caused the split
  // is spent on it (halved in each) and the field's total excess over u* is kept.
  void split(int parent);
  // A pruned expert's cell leaves the ring; its neighbours become adjacent.
  void remove(int cell);

  int cells() const { return static_cast<int>(u_.size()); }
  const std::vector<double>& u() const { return u_; }
  const std::vector<double>& v() const { return v_; }
  const SchnakenbergParameters& parameters() const { return p_; }
  // Largest minus smallest u: zero when uniform.
  double activator_range() const;

  // For checkpoints: the whole state.
  void set_state(std::vector<double> u, std::vector<double> v);

 private:
  SchnakenbergParameters p_;
  TuringAnalysis analysis_;
  std::vector<double> u_;
  std::vector<double> v_;
};

}  // namespace moelab
