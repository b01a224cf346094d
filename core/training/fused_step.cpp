#include "training/fused_step.h"

#include <algorithm>
#include <cmath>

#include "training/fused_step_workspace.h"
#include "training/probe_subset.h"
#include "training/routing_losses.h"
#include "training/step_kernels.h"
#include "util/sgemm.h"

namespace moelab {

namespace {

using namespace fused_step_detail;
using namespace step_kernels;

constexpr double kLogFloor = 1e-9;  // as the usage and sample entropies

double normalised_entropy(const double* distribution, std::int64_t n, double floor) {
  if (n < 2) return 0.0;
  double sum = 0.0;
  for (std::int64_t i = 0; i < n; ++i) sum -= distribution[i] * std::log(distribution[i] + floor);
  return sum / std::log(static_cast<double>(n));
}

}  // namespace

void FusedStep::Workspace::make(const torch::Tensor& probe, std::int64_t p, std::int64_t b,
                                std::int64_t d, std::int64_t h, std::int64_t e, std::int64_t f,
                                std::int64_t k, std::int64_t c, bool through) {
  probe_rows = p, batch_capacity = std::max(b, batch_capacity), inputs = d, hidden = h;
  experts = e, inner = f, top_k = k, classes = c, probe_through_projection = through;
  const auto rows = p + batch_capacity;
  const auto bc = batch_capacity;
  auto buffer = [](std::initializer_list<std::int64_t> shape) { return torch::zeros(shape); };
  input = buffer({rows, d});
  expert_input = buffer({rows, h});
  if (p > 0 && through) input.narrow(0, 0, p).copy_(probe);
  if (p > 0 && !through) expert_input.narrow(0, 0, p).copy_(bypass_projection(probe, h));
  probs = buffer({bc, e});
  gate_matrix = buffer({bc, e});
  w_in_cat = buffer({h, e * f});
  inner_out = buffer({rows, e * f});
  gated = buffer({bc, e * f});
  mixed = buffer({bc, h});
  logits = buffer({bc, c});
  d_logits = buffer({bc, c});
  probe_unit = buffer({e, p, h});  // rows for the probe's experts, in probe_list's order
  d_probe = buffer({e, p, h});
  d_mixed = buffer({bc, h});
  d_gated = buffer({bc, e * f});
  d_gate_matrix = buffer({bc, e});
  d_inner = buffer({rows, e * f});
  d_expert_input = buffer({rows, h});
  d_router = buffer({bc, e});
  d_router_task = buffer({bc, e});
  router_task_grad = buffer({e, h});
  w_in_grad_cat = buffer({h, e * f});
  top_index.assign(bc * k, 0);
  top_sum.assign(bc, 0.0f);
  router_lse.assign(bc, 0.0f);
  biased_score.assign(e, 0.0f);
  probe_norm.assign(e, 0.0f);
  d_share.assign(e, 0.0);
  usage.assign(e, 0.0);
  expert_order.assign(e, 0);
  d_probs.assign(e, 0.0f);
  column_sum.assign(std::max(h, f), 0.0f);
}

void FusedStep::Workspace::project(const Params& w, const torch::Tensor& x, std::int64_t b) {
  const auto D = inputs;
  const auto H = hidden;
  const auto batch = x.contiguous();
  std::copy(f32(batch), f32(batch) + b * D, f32(input) + probe_rows * D);
  const auto begin = projection_begin();
  const auto rows = probe_rows + b - begin;
  float* out = f32(expert_input) + begin * H;
  fill_rows(out, rows, H, H, f32(w.projection_b));
  sgemm(false, true, rows, H, D, f32(input) + begin * D, D, f32(w.projection_w), D, 1.0f, out, H);
  relu_in_place(out, rows * H);
}

// Softmax, top-k and renormalised gates per sample, with the routed share and the sample
// entropy on the way.
void FusedStep::Workspace::route(const Params& w, std::int64_t b, StepScalars& out) {
  const auto E = experts;
  const auto K = top_k;
  fill_rows(f32(probs), b, E, E, f32(w.router_b));
  sgemm(false, true, b, E, hidden, f32(expert_input) + probe_rows * hidden, hidden, f32(w.router_w),
        hidden, 1.0f, f32(probs), E);
  std::fill(usage.begin(), usage.end(), 0.0);
  std::fill(f32(gate_matrix), f32(gate_matrix) + b * E, 0.0f);
  double sample_entropy = 0.0;
  auto& order = expert_order;
  const float* bias = w.selection_bias.defined() ? f32(w.selection_bias) : nullptr;
  for (std::int64_t i = 0; i < b; ++i) {
    float* p = f32(probs) + i * E;
    const float top = *std::max_element(p, p + E);
    float sum = 0.0f;
    for (std::int64_t e = 0; e < E; ++e) sum += (p[e] = std::exp(p[e] - top));
    router_lse[i] = top + std::log(sum);
    double entropy = 0.0;
    for (std::int64_t e = 0; e < E; ++e) {
      p[e] /= sum;
      entropy -= p[e] * std::log(p[e] + kLogFloor);
    }
    sample_entropy += entropy;
    // Top k by descending score (the probability, plus the selection bias while it is on: the
    // same float sum as the model's forward); the lower index first among equals.
    const float* score = p;
    if (bias) {
      for (std::int64_t e = 0; e < E; ++e) biased_score[e] = p[e] + bias[e];
      score = biased_score.data();
    }
    for (std::int64_t e = 0; e < E; ++e) order[e] = e;
    std::partial_sort(order.begin(), order.begin() + K, order.end(),
                      [score](std::int64_t a, std::int64_t c) {
                        return score[a] > score[c] || (score[a] == score[c] && a < c);
                      });
    float chosen = 0.0f;
    for (std::int64_t j = 0; j < K; ++j) chosen += p[order[j]];
    top_sum[i] = chosen;
    float* gates = f32(gate_matrix) + i * E;
    const float normaliser = K == 1 ? 1.0f : chosen;  // k = 1: gate = p (see the header)
    for (std::int64_t j = 0; j < K; ++j) {
      top_index[i * K + j] = order[j];
      gates[order[j]] = p[order[j]] / normaliser;
      usage[order[j]] += 1.0;
    }
  }
  const double n = static_cast<double>(b);
  for (std::int64_t e = 0; e < E; ++e) usage[e] /= n * static_cast<double>(K);
  out.sample_entropy = E < 2 ? 0.0 : sample_entropy / n / std::log(static_cast<double>(E));
  out.usage_entropy = normalised_entropy(usage.data(), E, kLogFloor);
}

// Each expert's first layer on every row in one product; then the gated mixture
// sum_e g_e (v_e W_e + b_e) as one product over the experts' stacked blocks. Routed: the batch
// through RoutedMixture, the probe expert by expert.
void FusedStep::Workspace::mix_experts(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  if (routed) {
    probe_first_layer(w);
    routed_mixture.forward(f32(expert_input) + probe_rows * H, b, H, F, E, top_k, top_index.data(),
                           f32(gate_matrix), {f32(w.w_in), f32(w.b_in), f32(w.w_out), f32(w.b_out)},
                           f32(mixed));
    return;
  }
  // Without the probe in the product, only the batch rows.
  const auto begin = probe_by_expert ? probe_rows : 0;
  const auto rows = probe_rows + b - begin;
  // w_in [E, H, F] -> [H, E*F]: row h holds every expert's weights from hidden unit h.
  const float* w_in = f32(w.w_in);
  float* cat = f32(w_in_cat);
  for (std::int64_t e = 0; e < E; ++e) {
    for (std::int64_t h = 0; h < H; ++h) {
      std::copy(w_in + (e * H + h) * F, w_in + (e * H + h + 1) * F, cat + h * E * F + e * F);
    }
  }
  float* first = f32(inner_out) + begin * E * F;
  fill_rows(first, rows, E * F, E * F, f32(w.b_in));
  sgemm(false, false, rows, E * F, H, f32(expert_input) + begin * H, H, cat, E * F, 1.0f, first,
        E * F);
  relu_in_place(first, rows * E * F);
  if (probe_by_expert) probe_first_layer(w);
  const float* v = f32(inner_out) + probe_rows * E * F;
  const float* g = f32(gate_matrix);
  float* out = f32(gated);
  for (std::int64_t i = 0; i < b * E; ++i) {
    const float gate = g[i];
    for (std::int64_t f = 0; f < F; ++f) out[i * F + f] = v[i * F + f] * gate;
  }
  sgemm(false, false, b, H, E, f32(gate_matrix), E, f32(w.b_out), H, 0.0f, f32(mixed), H);
  sgemm(false, false, b, H, E * F, f32(gated), E * F, f32(w.w_out), H, 1.0f, f32(mixed), H);
}

// The probe's first layer for the probe's experts only, into their column blocks of inner_out.
void FusedStep::Workspace::probe_first_layer(const Params& w) {
  const auto E = experts, F = inner, H = hidden, P = probe_rows;
  for (const auto e : probe_list) {
    if (P == 0) break;
    float* v = f32(inner_out) + e * F;
    fill_rows(v, P, F, E * F, f32(w.b_in) + e * F);
    sgemm(false, false, P, F, H, f32(expert_input), H, f32(w.w_in) + e * H * F, F, 1.0f, v, E * F);
    for (std::int64_t r = 0; r < P; ++r) relu_in_place(v + r * E * F, F);
  }
}

// Logits and accuracy; a label outside the classes is refused before any term reads it.
void FusedStep::Workspace::classify(const Params& w, const std::int64_t* label, std::int64_t b,
                                    StepScalars& out) {
  const auto C = classes;
  fill_rows(f32(logits), b, C, C, f32(w.classifier_b));
  sgemm(false, true, b, C, hidden, f32(mixed), hidden, f32(w.classifier_w), hidden, 1.0f,
        f32(logits), C);
  std::int64_t correct = 0;
  for (std::int64_t i = 0; i < b; ++i) {
    TORCH_CHECK(label[i] >= 0 && label[i] < C, "label ", label[i], " is not one of the ", C,
                " classes");
    const float* z = f32(logits) + i * C;
    correct += std::max_element(z, z + C) - z == label[i] ? 1 : 0;
  }
  out.correct = correct;
}

// Each expert's output on the probe as a unit row, keeping the norms for the backward pass.
void FusedStep::Workspace::probe_outputs(const Params& w) {
  const auto E = experts;
  const auto P = probe_rows;
  const auto F = inner;
  const auto n = P * hidden;
  for (std::size_t s = 0; s < probe_list.size(); ++s) {
    const auto e = probe_list[s];
    float* u = f32(probe_unit) + s * n;
    fill_rows(u, P, hidden, hidden, f32(w.b_out) + e * hidden);
    sgemm(false, false, P, hidden, F, f32(inner_out) + e * F, E * F, f32(w.w_out) + e * F * hidden,
          hidden, 1.0f, u, hidden);
    double squares = 0.0;
    for (std::int64_t i = 0; i < n; ++i) squares += static_cast<double>(u[i]) * u[i];
    probe_norm[s] = static_cast<float>(std::sqrt(squares));
    const float inverse = 1.0f / std::max(probe_norm[s], kNormalizeEps);
    for (std::int64_t i = 0; i < n; ++i) u[i] *= inverse;
  }
}

// Every term's value and weighted gradient at the entry points, which start at zero.
void FusedStep::Workspace::apply_terms(const LossTerms& terms, const StepSettings& settings,
                                       const std::int64_t* labels, std::int64_t b,
                                       StepScalars& out) {
  std::fill(f32(d_logits), f32(d_logits) + b * classes, 0.0f);
  std::fill(f32(d_router), f32(d_router) + b * experts, 0.0f);
  std::fill(d_share.begin(), d_share.end(), 0.0);
  if (probe_rows > 0) std::fill(f32(d_probe), f32(d_probe) + d_probe.numel(), 0.0f);
  FusedStepView view;
  view.batch = b, view.experts = experts, view.top_k = top_k, view.classes = classes;
  view.probe_experts = probe_rows > 0 ? static_cast<std::int64_t>(probe_list.size()) : 0;
  view.probe_width = probe_rows * hidden;
  view.logits = f32(logits), view.labels = labels, view.router_probs = f32(probs);
  view.router_lse = router_lse.data();
  view.slot_share = usage.data(), view.probe_unit = f32(probe_unit);
  view.d_logits = f32(d_logits), view.d_slot_share = d_share.data();
  view.d_router_logits = f32(d_router), view.d_probe_unit = f32(d_probe);
  out.terms.assign(terms.size(), 0.0);
  out.total = 0.0;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const double weight = settings.weights[t];
    if (terms[t]->needs_probe() && view.probe_experts == 0) continue;
    out.terms[t] = weight * terms[t]->fused(view, weight);
    out.total += out.terms[t];
  }
}

StepSettings step_settings(const LossTerms& terms, const TrainingConfig& training,
                           const FixSwitches& fixes) {
  StepSettings settings;
  for (const auto& term : terms) settings.weights.push_back(term->weight(training, fixes));
  settings.projection_fix = fixes.projection_fix;
  return settings;
}

FusedStep::FusedStep(torch::Tensor probe, const LossTerms& terms)
    : probe_(probe.contiguous()), terms_(terms), workspace_(std::make_unique<Workspace>()) {}

FusedStep::~FusedStep() = default;

StepLosses FusedStep::run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                          const StepSettings& settings) {
  TORCH_CHECK(settings.weights.size() == terms_.size(), "the step has ", settings.weights.size(),
              " loss weights for ", terms_.size(), " loss terms");
  torch::NoGradGuard no_grad;
  const Params w(model);
  const auto E = model.num_experts();
  const auto b = x.size(0);
  const bool probe_on = probe_is_on(terms_, settings.weights, E);
  const auto P = probe_on ? probe_.size(0) : 0;
  auto& ws = *workspace_;
  if (!ws.fits(P, b, x.size(1), model.hidden_dim(), E, w.w_in.size(2), model.effective_top_k(),
               w.classifier_w.size(0), settings.projection_fix)) {
    ws.make(probe_, P, b, x.size(1), model.hidden_dim(), E, w.w_in.size(2), model.effective_top_k(),
            w.classifier_w.size(0), settings.projection_fix);
  }
  ws.routed = settings.routed;
  ws.probe_list = probe_experts_or_all(settings.probe_experts, E);
  ws.probe_by_expert = settings.routed || static_cast<std::int64_t>(ws.probe_list.size()) < E;
  const auto labels = y.contiguous();
  const std::int64_t* label = labels.data_ptr<std::int64_t>();

  StepLosses losses;
  auto& s = losses.scalars;
  ws.project(w, x, b);
  ws.route(w, b, s);
  ws.mix_experts(w, b);
  ws.classify(w, label, b, s);
  if (probe_on) ws.probe_outputs(w);
  ws.apply_terms(terms_, settings, label, b, s);
  losses.slot_share = ws.usage;

  ws.backward_mixture(w, b);
  if (probe_on) ws.backward_probe(w);
  ws.backward_first_layer(w, b);
  ws.backward_router(w, b, losses);
  ws.backward_projection(w, b);
  return losses;
}

}  // namespace moelab
