// The backward half of the fused step (training/fused_step.h): from the loss terms' gradients at
// the step's entry points back to every parameter.

#include <algorithm>
#include <cmath>

#include "training/fused_step_workspace.h"
#include "training/step_kernels.h"
#include "util/sgemm.h"

namespace moelab {

namespace {

using namespace fused_step_detail;
using namespace step_kernels;

// The parameter's own gradient tensor: a plain (not view) contiguous tensor the optimiser and a
// later autograd step (whose zero_grad() detaches in place, which a view refuses) can use. A new
// one only when a split changed the shape.
torch::Tensor gradient_of(const torch::Tensor& param) {
  auto& grad = param.mutable_grad();
  if (!grad.defined() || grad.sizes() != param.sizes() || grad.is_view() || !grad.is_contiguous()) {
    grad = torch::empty_like(param, torch::MemoryFormat::Contiguous);
  }
  return grad;
}

}  // namespace

// Classifier and the gated mixture: gradients of the classifier and of the experts' second
// layer, d(gates), and the batch rows of d(first layer output) through the ReLU.
void FusedStep::Workspace::backward_mixture(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  const auto C = classes;
  const float* dz = f32(d_logits);
  sgemm(true, false, C, H, b, dz, C, f32(mixed), H, 0.0f, f32(gradient_of(w.classifier_w)), H);
  column_sums(dz, b, C, C, f32(gradient_of(w.classifier_b)));
  sgemm(false, false, b, H, C, dz, C, f32(w.classifier_w), H, 0.0f, f32(d_mixed), H);
  if (routed) {
    routed_mixture.backward(f32(d_mixed), f32(gate_matrix),
                            {f32(w.w_in), f32(w.b_in), f32(w.w_out), f32(w.b_out)},
                            {f32(gradient_of(w.w_in)), f32(gradient_of(w.b_in)),
                             f32(gradient_of(w.w_out)), f32(gradient_of(w.b_out))},
                            f32(d_gate_matrix), f32(d_expert_input) + probe_rows * H);
    return;
  }

  sgemm(true, false, E * F, H, b, f32(gated), E * F, f32(d_mixed), H, 0.0f,
        f32(gradient_of(w.w_out)), H);
  sgemm(true, false, E, H, b, f32(gate_matrix), E, f32(d_mixed), H, 0.0f, f32(gradient_of(w.b_out)),
        H);
  sgemm(false, true, b, E * F, H, f32(d_mixed), H, f32(w.w_out), H, 0.0f, f32(d_gated), E * F);
  sgemm(false, true, b, E, H, f32(d_mixed), H, f32(w.b_out), H, 0.0f, f32(d_gate_matrix), E);

  const float* v = f32(inner_out) + probe_rows * E * F;
  const float* dg = f32(d_gated);
  const float* g = f32(gate_matrix);
  float* dgm = f32(d_gate_matrix);
  float* dv = f32(d_inner) + probe_rows * E * F;
  for (std::int64_t i = 0; i < b * E; ++i) {
    float dot = 0.0f;
    for (std::int64_t f = 0; f < F; ++f) {
      const auto at = i * F + f;
      dot += dg[at] * v[at];
      dv[at] = v[at] > 0.0f ? dg[at] * g[i] : 0.0f;
    }
    dgm[i] += dot;
  }
}

// From d(loss)/d(unit rows) to d(loss)/d(expert outputs on the probe): less each row's radial
// part, over its norm; then through each expert's second layer into the probe rows of
// d(first layer output).
void FusedStep::Workspace::backward_probe(const Params& w) {
  const auto E = experts;
  const auto P = probe_rows;
  const auto F = inner;
  const auto n = P * hidden;
  float* grad_w_out = f32(gradient_of(w.w_out));
  float* grad_b_out = f32(gradient_of(w.b_out));
  for (std::size_t s = 0; s < probe_list.size(); ++s) {
    const auto e = probe_list[s];
    const float* u = f32(probe_unit) + s * n;
    float* d = f32(d_probe) + s * n;
    double radial = 0.0;
    for (std::int64_t i = 0; i < n; ++i) radial += static_cast<double>(u[i]) * d[i];
    const bool clamped = probe_norm[s] <= kNormalizeEps;
    const float r = clamped ? 0.0f : static_cast<float>(radial);
    const float inverse = 1.0f / std::max(probe_norm[s], kNormalizeEps);
    for (std::int64_t i = 0; i < n; ++i) d[i] = (d[i] - u[i] * r) * inverse;

    const float* probe_inner = f32(inner_out) + e * F;  // [P, F], leading dimension E*F
    sgemm(true, false, F, hidden, P, probe_inner, E * F, d, hidden, 1.0f,
          grad_w_out + e * F * hidden, hidden);
    column_sums(d, P, hidden, hidden, column_sum.data());
    for (std::int64_t h = 0; h < hidden; ++h) grad_b_out[e * hidden + h] += column_sum[h];
    sgemm(false, true, P, F, hidden, d, hidden, f32(w.w_out) + e * F * hidden, hidden, 0.0f,
          f32(d_inner) + e * F, E * F);
    if (probe_by_expert) {
      for (std::int64_t r = 0; r < P; ++r) {
        const auto at = r * E * F + e * F;
        relu_backward_in_place(f32(d_inner) + at, f32(inner_out) + at, F);
      }
    }
  }
  if (!probe_by_expert) relu_backward_in_place(f32(d_inner), f32(inner_out), P * E * F);
}

// The experts' first layer: weight and bias gradients from all rows, and d(expert input). With the
// probe run expert by expert, the product covers the batch rows only (none when routed: the routed
// mixture wrote the batch's part) and the probe's experts add theirs one by one.
void FusedStep::Workspace::backward_first_layer(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  if (!routed) {
    const auto begin = probe_by_expert ? probe_rows : 0;
    const auto rows = probe_rows + b - begin;
    const float* d_first = f32(d_inner) + begin * E * F;
    float* cat_grad = f32(w_in_grad_cat);
    sgemm(true, false, H, E * F, rows, f32(expert_input) + begin * H, H, d_first, E * F, 0.0f,
          cat_grad, E * F);
    // [H, E*F] -> the parameter's [E, H, F].
    float* grad_w_in = f32(gradient_of(w.w_in));
    for (std::int64_t e = 0; e < E; ++e) {
      for (std::int64_t h = 0; h < H; ++h) {
        const float* from = cat_grad + h * E * F + e * F;
        std::copy(from, from + F, grad_w_in + (e * H + h) * F);
      }
    }
    column_sums(d_first, rows, E * F, E * F, f32(gradient_of(w.b_in)));
    sgemm(false, true, rows, H, E * F, d_first, E * F, f32(w_in_cat), E * F, 0.0f,
          f32(d_expert_input) + begin * H, H);
  }
  if (probe_by_expert) backward_probe_first_layer(w);
}

// The probe's part of the first layer's gradients, expert by expert, added to the batch's.
void FusedStep::Workspace::backward_probe_first_layer(const Params& w) {
  const auto E = experts, F = inner, H = hidden, P = probe_rows;
  if (P == 0) return;
  float* grad_w_in = f32(gradient_of(w.w_in));
  float* grad_b_in = f32(gradient_of(w.b_in));
  float* d_probe_input = f32(d_expert_input);
  std::fill(d_probe_input, d_probe_input + P * H, 0.0f);
  for (const auto e : probe_list) {
    const float* d_first = f32(d_inner) + e * F;  // [P, F], leading dimension E*F
    sgemm(true, false, H, F, P, f32(expert_input), H, d_first, E * F, 1.0f, grad_w_in + e * H * F,
          F);
    column_sums(d_first, P, F, E * F, column_sum.data());
    for (std::int64_t f = 0; f < F; ++f) grad_b_in[e * F + f] += column_sum[f];
    sgemm(false, true, P, H, F, d_first, E * F, f32(w.w_in) + e * H * F, F, 1.0f, d_probe_input, H);
  }
}

// The router: the task's gradient through the gates (k = 1: gate = p; k >= 2: the chosen
// probabilities renormalised), the terms' gradient on the slot share (straight through the soft
// mean of the probabilities, so 1/B per sample) and on the router logits; then through the
// softmax into the router's weights. The task's part is also kept alone: how much the task still
// moves each expert's router row.
void FusedStep::Workspace::backward_router(const Params& w, std::int64_t b, StepLosses& out) {
  const auto E = experts;
  const auto K = top_k;
  const double per_sample = 1.0 / static_cast<double>(b);
  std::vector<float>& d_task = d_probs;
  for (std::int64_t i = 0; i < b; ++i) {
    const float* p = f32(probs) + i * E;
    const float* dgm = f32(d_gate_matrix) + i * E;
    const float* g = f32(gate_matrix) + i * E;
    const std::int64_t* chosen = top_index.data() + i * K;
    std::fill(d_task.begin(), d_task.end(), 0.0f);
    if (K == 1) {
      d_task[chosen[0]] = dgm[chosen[0]];
    } else {
      float weighted = 0.0f;
      for (std::int64_t j = 0; j < K; ++j) weighted += dgm[chosen[j]] * g[chosen[j]];
      for (std::int64_t j = 0; j < K; ++j) {
        d_task[chosen[j]] = (dgm[chosen[j]] - weighted) / top_sum[i];
      }
    }
    float along_task = 0.0f, along_share = 0.0f;
    for (std::int64_t e = 0; e < E; ++e) {
      along_task += d_task[e] * p[e];
      along_share += static_cast<float>(d_share[e] * per_sample) * p[e];
    }
    float* dt = f32(d_router_task) + i * E;
    float* dr = f32(d_router) + i * E;
    for (std::int64_t e = 0; e < E; ++e) {
      dt[e] = p[e] * (d_task[e] - along_task);
      dr[e] += dt[e] + p[e] * (static_cast<float>(d_share[e] * per_sample) - along_share);
    }
  }
  const float* hidden_rows = f32(expert_input) + probe_rows * hidden;
  sgemm(true, false, E, hidden, b, f32(d_router_task), E, hidden_rows, hidden, 0.0f,
        f32(router_task_grad), hidden);
  out.router_task_grad.assign(E, 0.0);
  double squares = 0.0;
  for (std::int64_t e = 0; e < E; ++e) {
    const float* row = f32(router_task_grad) + e * hidden;
    double row_squares = 0.0;
    for (std::int64_t h = 0; h < hidden; ++h) row_squares += static_cast<double>(row[h]) * row[h];
    out.router_task_grad[e] = std::sqrt(row_squares);
    squares += row_squares;
  }
  out.scalars.router_task_grad_norm = std::sqrt(squares);
  sgemm(true, false, E, hidden, b, f32(d_router), E, hidden_rows, hidden, 0.0f,
        f32(gradient_of(w.router_w)), hidden);
  column_sums(f32(d_router), b, E, E, f32(gradient_of(w.router_b)));
  sgemm(false, false, b, hidden, E, f32(d_router), E, f32(w.router_w), hidden, 1.0f,
        f32(d_expert_input) + probe_rows * hidden, hidden);
}

// The projection: the probe's rows count only when the probe went through it.
void FusedStep::Workspace::backward_projection(const Params& w, std::int64_t b) {
  const auto begin = projection_begin();
  const auto rows = probe_rows + b - begin;
  float* d_pre = f32(d_expert_input) + begin * hidden;
  relu_backward_in_place(d_pre, f32(expert_input) + begin * hidden, rows * hidden);
  sgemm(true, false, hidden, inputs, rows, d_pre, hidden, f32(input) + begin * inputs, inputs, 0.0f,
        f32(gradient_of(w.projection_w)), inputs);
  column_sums(d_pre, rows, hidden, hidden, f32(gradient_of(w.projection_b)));
}

}  // namespace moelab
