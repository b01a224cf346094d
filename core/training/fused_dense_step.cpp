#include "training/fused_dense_step.h"

#include <algorithm>
#include <cmath>

#include "training/routing_losses.h"
#include "util/sgemm.h"

namespace moelab {

namespace {

constexpr float kNormalizeEps = 1e-8f;   // as expert_output_similarity's normalize
constexpr double kLogFloor = 1e-9;       // as the usage and sample entropies

float* f32(const torch::Tensor& t) { return t.data_ptr<float>(); }

// Sums the rows of a row-major [rows, cols] block into out[cols].
void column_sums(const float* data, std::int64_t rows, std::int64_t cols, std::int64_t stride,
                 float* out) {
  std::fill(out, out + cols, 0.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = data + r * stride;
    for (std::int64_t c = 0; c < cols; ++c) out[c] += row[c];
  }
}

// Every row of out[rows, cols] (leading dimension ld) set to bias[cols]: the start of
// out = bias + a b, which sgemm then accumulates into (beta = 1).
void fill_rows(float* out, std::int64_t rows, std::int64_t cols, std::int64_t ld,
               const float* bias) {
  for (std::int64_t r = 0; r < rows; ++r) std::copy(bias, bias + cols, out + r * ld);
}

void relu_in_place(float* data, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) data[i] = data[i] > 0.0f ? data[i] : 0.0f;
}

// Zeroes the gradient wherever the ReLU's output was zero.
void relu_backward_in_place(float* grad, const float* output, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) grad[i] = output[i] > 0.0f ? grad[i] : 0.0f;
}

double normalised_entropy(const double* distribution, std::int64_t n, double floor) {
  if (n < 2) return 0.0;
  double sum = 0.0;
  for (std::int64_t i = 0; i < n; ++i) sum -= distribution[i] * std::log(distribution[i] + floor);
  return sum / std::log(static_cast<double>(n));
}

// The parameter's own gradient tensor: a plain (not view) contiguous tensor the optimiser and a
// later autograd step (whose zero_grad() detaches in place, which a view refuses) can use. A new
// one only when a split changed the shape.
torch::Tensor gradient_of(const torch::Tensor& param) {
  auto& grad = param.mutable_grad();
  if (!grad.defined() || grad.sizes() != param.sizes() || grad.is_view() ||
      !grad.is_contiguous()) {
    grad = torch::empty_like(param, torch::MemoryFormat::Contiguous);
  }
  return grad;
}

// The model's parameters by role.
struct Params {
  explicit Params(MoeModelImpl& model)
      : projection_w(model.projection()->weight),
        projection_b(model.projection()->bias),
        router_w(model.router_weight()),
        router_b(model.router_bias()),
        w_in(model.expert_w_in()),
        b_in(model.expert_b_in()),
        w_out(model.expert_w_out()),
        b_out(model.expert_b_out()),
        classifier_w(model.classifier()->weight),
        classifier_b(model.classifier()->bias),
        selection_bias(model.uses_selection_bias() ? model.selection_bias() : torch::Tensor()) {}

  torch::Tensor projection_w, projection_b, router_w, router_b, w_in, b_in, w_out, b_out,
      classifier_w, classifier_b;
  torch::Tensor selection_bias;  // [E] while the bias balancer chooses the top k; else undefined
};

}  // namespace

// The model's parameters, the step's sizes and every intermediate, in buffers reused while the
// shapes stay the same (they change at a split, when a switch turns the probe on or off, and when
// a batch is larger than any before). Expert inputs are the probe's rows first (P of them, none
// when the diversity loss is off), then the batch's.
struct FusedDenseStep::Workspace {
  // Shapes the buffers were made for.
  std::int64_t probe_rows = -1, batch_capacity = 0, inputs = 0, hidden = 0, experts = 0,
               inner = 0, top_k = 0, classes = 0;
  bool probe_through_projection = false;

  torch::Tensor input;           // [P + Bcap, D]: probe rows stay, batch rows are copied in
  torch::Tensor expert_input;    // [P + Bcap, H]: relu(projection), or the bypassed probe rows
  torch::Tensor probs;           // [Bcap, E]
  torch::Tensor gate_matrix;     // [Bcap, E]
  torch::Tensor w_in_cat;        // [H, E*F]: expert e's first layer in columns e*F..
  torch::Tensor inner_out;       // [P + Bcap, E*F]: relu(first layer)
  torch::Tensor gated;           // [Bcap, E*F]: batch rows of inner_out, block e times gate e
  torch::Tensor mixed;           // [Bcap, H]
  torch::Tensor logits;          // [Bcap, C]
  torch::Tensor d_logits;        // [Bcap, C]
  torch::Tensor probe_unit;      // [E, P, H]: expert outputs on the probe, then unit rows
  torch::Tensor d_probe;         // [E, P, H]: d(loss)/d(unit rows), then d(loss)/d(outputs)
  torch::Tensor d_mixed;         // [Bcap, H]
  torch::Tensor d_gated;         // [Bcap, E*F]
  torch::Tensor d_gate_matrix;   // [Bcap, E]
  torch::Tensor d_inner;         // [P + Bcap, E*F]
  torch::Tensor d_expert_input;  // [P + Bcap, H]
  torch::Tensor d_router;        // [Bcap, E]: every term's gradient on the router logits
  torch::Tensor d_router_task;   // [Bcap, E]: the part that came through the gates
  torch::Tensor router_task_grad;  // [E, H]: the task's gradient on the router weights
  torch::Tensor w_in_grad_cat;   // [H, E*F]
  std::vector<std::int64_t> top_index;  // [Bcap, k], by descending probability
  std::vector<float> top_sum;           // [Bcap]
  std::vector<float> probe_norm;        // [E]
  std::vector<double> d_share, usage;              // [E]: d(loss)/d(slot share), slot share
  std::vector<std::int64_t> expert_order;          // [E], one sample's experts by probability
  std::vector<float> d_probs;                      // [E], one sample's task d(loss)/d(probs)
  std::vector<float> router_lse;                   // [Bcap]: log-sum-exp of the router logits
  std::vector<float> biased_score;                 // [E], one sample's probability + bias
  std::vector<float> column_sum;                   // [H]

  bool fits(std::int64_t p, std::int64_t b, std::int64_t d, std::int64_t h, std::int64_t e,
            std::int64_t f, std::int64_t k, std::int64_t c, bool through) const {
    return p == probe_rows && b <= batch_capacity && d == inputs && h == hidden &&
           e == experts && f == inner && k == top_k && c == classes &&
           through == probe_through_projection;
  }

  void make(const torch::Tensor& probe, std::int64_t p, std::int64_t b, std::int64_t d,
            std::int64_t h, std::int64_t e, std::int64_t f, std::int64_t k, std::int64_t c,
            bool through) {
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
    probe_unit = buffer({e, p, h});
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
    column_sum.assign(h, 0.0f);
  }

  // The phases of run(), in order. B = batch rows of this call.
  void project(const Params& w, const torch::Tensor& x, std::int64_t b);
  void route(const Params& w, std::int64_t b, StepScalars& out);
  void mix_experts(const Params& w, std::int64_t b);
  void classify(const Params& w, const std::int64_t* labels, std::int64_t b, StepScalars& out);
  void probe_outputs(const Params& w);
  void apply_terms(const LossTerms& terms, const StepSettings& settings,
                   const std::int64_t* labels, std::int64_t b, StepScalars& out);
  void backward_mixture(const Params& w, std::int64_t b);
  void backward_probe(const Params& w);
  void backward_first_layer(const Params& w, std::int64_t b);
  void backward_router(const Params& w, std::int64_t b, StepLosses& out);
  void backward_projection(const Params& w, std::int64_t b);

  // Rows the projection sees: the probe's too when it goes through it.
  std::int64_t projection_begin() const { return probe_through_projection ? 0 : probe_rows; }
};



void FusedDenseStep::Workspace::project(const Params& w, const torch::Tensor& x, std::int64_t b) {
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
void FusedDenseStep::Workspace::route(const Params& w, std::int64_t b, StepScalars& out) {
  const auto E = experts;
  const auto K = top_k;
  fill_rows(f32(probs), b, E, E, f32(w.router_b));
  sgemm(false, true, b, E, hidden, f32(expert_input) + probe_rows * hidden, hidden,
        f32(w.router_w), hidden, 1.0f, f32(probs), E);
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
// sum_e g_e (v_e W_e + b_e) as one product over the experts' stacked blocks.
void FusedDenseStep::Workspace::mix_experts(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  const auto rows = probe_rows + b;
  // w_in [E, H, F] -> [H, E*F]: row h holds every expert's weights from hidden unit h.
  const float* w_in = f32(w.w_in);
  float* cat = f32(w_in_cat);
  for (std::int64_t e = 0; e < E; ++e) {
    for (std::int64_t h = 0; h < H; ++h) {
      std::copy(w_in + (e * H + h) * F, w_in + (e * H + h + 1) * F, cat + h * E * F + e * F);
    }
  }
  fill_rows(f32(inner_out), rows, E * F, E * F, f32(w.b_in));
  sgemm(false, false, rows, E * F, H, f32(expert_input), H, cat, E * F, 1.0f, f32(inner_out),
        E * F);
  relu_in_place(f32(inner_out), rows * E * F);
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

// Logits and accuracy; a label outside the classes is refused before any term reads it.
void FusedDenseStep::Workspace::classify(const Params& w, const std::int64_t* label,
                                         std::int64_t b, StepScalars& out) {
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
void FusedDenseStep::Workspace::probe_outputs(const Params& w) {
  const auto E = experts;
  const auto P = probe_rows;
  const auto F = inner;
  const auto n = P * hidden;
  for (std::int64_t e = 0; e < E; ++e) {
    float* u = f32(probe_unit) + e * n;
    fill_rows(u, P, hidden, hidden, f32(w.b_out) + e * hidden);
    sgemm(false, false, P, hidden, F, f32(inner_out) + e * F, E * F,
          f32(w.w_out) + e * F * hidden, hidden, 1.0f, u, hidden);
    double squares = 0.0;
    for (std::int64_t i = 0; i < n; ++i) squares += static_cast<double>(u[i]) * u[i];
    probe_norm[e] = static_cast<float>(std::sqrt(squares));
    const float inverse = 1.0f / std::max(probe_norm[e], kNormalizeEps);
    for (std::int64_t i = 0; i < n; ++i) u[i] *= inverse;
  }
}

// Every term's value and weighted gradient at the entry points, which start at zero.
void FusedDenseStep::Workspace::apply_terms(const LossTerms& terms, const StepSettings& settings,
                                            const std::int64_t* labels, std::int64_t b,
                                            StepScalars& out) {
  std::fill(f32(d_logits), f32(d_logits) + b * classes, 0.0f);
  std::fill(f32(d_router), f32(d_router) + b * experts, 0.0f);
  std::fill(d_share.begin(), d_share.end(), 0.0);
  if (probe_rows > 0) std::fill(f32(d_probe), f32(d_probe) + d_probe.numel(), 0.0f);
  FusedStepView view;
  view.batch = b, view.experts = experts, view.top_k = top_k, view.classes = classes;
  view.probe_experts = probe_rows > 0 ? experts : 0;
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

// Classifier and the gated mixture: gradients of the classifier and of the experts' second
// layer, d(gates), and the batch rows of d(first layer output) through the ReLU.
void FusedDenseStep::Workspace::backward_mixture(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  const auto C = classes;
  const float* dz = f32(d_logits);
  sgemm(true, false, C, H, b, dz, C, f32(mixed), H, 0.0f, f32(gradient_of(w.classifier_w)), H);
  column_sums(dz, b, C, C, f32(gradient_of(w.classifier_b)));
  sgemm(false, false, b, H, C, dz, C, f32(w.classifier_w), H, 0.0f, f32(d_mixed), H);

  sgemm(true, false, E * F, H, b, f32(gated), E * F, f32(d_mixed), H, 0.0f,
        f32(gradient_of(w.w_out)), H);
  sgemm(true, false, E, H, b, f32(gate_matrix), E, f32(d_mixed), H, 0.0f,
        f32(gradient_of(w.b_out)), H);
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
void FusedDenseStep::Workspace::backward_probe(const Params& w) {
  const auto E = experts;
  const auto P = probe_rows;
  const auto F = inner;
  const auto n = P * hidden;
  float* grad_w_out = f32(gradient_of(w.w_out));
  float* grad_b_out = f32(gradient_of(w.b_out));
  for (std::int64_t e = 0; e < E; ++e) {
    const float* u = f32(probe_unit) + e * n;
    float* d = f32(d_probe) + e * n;
    double radial = 0.0;
    for (std::int64_t i = 0; i < n; ++i) radial += static_cast<double>(u[i]) * d[i];
    const bool clamped = probe_norm[e] <= kNormalizeEps;
    const float r = clamped ? 0.0f : static_cast<float>(radial);
    const float inverse = 1.0f / std::max(probe_norm[e], kNormalizeEps);
    for (std::int64_t i = 0; i < n; ++i) d[i] = (d[i] - u[i] * r) * inverse;

    const float* probe_inner = f32(inner_out) + e * F;  // [P, F], leading dimension E*F
    sgemm(true, false, F, hidden, P, probe_inner, E * F, d, hidden, 1.0f,
          grad_w_out + e * F * hidden, hidden);
    column_sums(d, P, hidden, hidden, column_sum.data());
    for (std::int64_t h = 0; h < hidden; ++h) grad_b_out[e * hidden + h] += column_sum[h];
    sgemm(false, true, P, F, hidden, d, hidden, f32(w.w_out) + e * F * hidden, hidden, 0.0f,
          f32(d_inner) + e * F, E * F);
  }
  relu_backward_in_place(f32(d_inner), f32(inner_out), P * E * F);
}

// The experts' first layer: weight and bias gradients from all rows, and d(expert input).
void FusedDenseStep::Workspace::backward_first_layer(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  const auto rows = probe_rows + b;
  float* cat_grad = f32(w_in_grad_cat);
  sgemm(true, false, H, E * F, rows, f32(expert_input), H, f32(d_inner), E * F, 0.0f, cat_grad,
        E * F);
  // [H, E*F] -> the parameter's [E, H, F].
  float* grad_w_in = f32(gradient_of(w.w_in));
  for (std::int64_t e = 0; e < E; ++e) {
    for (std::int64_t h = 0; h < H; ++h) {
      const float* from = cat_grad + h * E * F + e * F;
      std::copy(from, from + F, grad_w_in + (e * H + h) * F);
    }
  }
  column_sums(f32(d_inner), rows, E * F, E * F, f32(gradient_of(w.b_in)));
  sgemm(false, true, rows, H, E * F, f32(d_inner), E * F, f32(w_in_cat), E * F, 0.0f,
        f32(d_expert_input), H);
}

// The router: the task's gradient through the gates (k = 1: gate = p; k >= 2: the chosen
// probabilities renormalised), the terms' gradient on the slot share (straight through the soft
// mean of the probabilities, so 1/B per sample) and on the router logits; then through the
// softmax into the router's weights. The task's part is also kept alone: how much the task still
// moves each expert's router row.
void FusedDenseStep::Workspace::backward_router(const Params& w, std::int64_t b, StepLosses& out) {
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
void FusedDenseStep::Workspace::backward_projection(const Params& w, std::int64_t b) {
  const auto begin = projection_begin();
  const auto rows = probe_rows + b - begin;
  float* d_pre = f32(d_expert_input) + begin * hidden;
  relu_backward_in_place(d_pre, f32(expert_input) + begin * hidden, rows * hidden);
  sgemm(true, false, hidden, inputs, rows, d_pre, hidden, f32(input) + begin * inputs, inputs,
        0.0f, f32(gradient_of(w.projection_w)), inputs);
  column_sums(d_pre, rows, hidden, hidden, f32(gradient_of(w.projection_b)));
}

StepSettings step_settings(const LossTerms& terms, const TrainingConfig& training,
                           const FixSwitches& fixes) {
  StepSettings settings;
  for (const auto& term : terms) settings.weights.push_back(term->weight(training, fixes));
  settings.projection_fix = fixes.projection_fix;
  return settings;
}

FusedDenseStep::FusedDenseStep(torch::Tensor probe, const LossTerms& terms)
    : probe_(probe.contiguous()), terms_(terms), workspace_(std::make_unique<Workspace>()) {}

FusedDenseStep::~FusedDenseStep() = default;

StepLosses FusedDenseStep::run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                               const StepSettings& settings) {
  TORCH_CHECK(settings.weights.size() == terms_.size(), "the step has ",
              settings.weights.size(), " loss weights for ", terms_.size(), " loss terms");
  torch::NoGradGuard no_grad;
  const Params w(model);
  const auto E = model.num_experts();
  const auto b = x.size(0);
  bool probe_on = false;
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    probe_on = probe_on || (terms_[t]->needs_probe() && settings.weights[t] != 0.0);
  }
  probe_on = probe_on && E >= 2;
  const auto P = probe_on ? probe_.size(0) : 0;
  auto& ws = *workspace_;
  if (!ws.fits(P, b, x.size(1), model.hidden_dim(), E, w.w_in.size(2), model.effective_top_k(),
               w.classifier_w.size(0), settings.projection_fix)) {
    ws.make(probe_, P, b, x.size(1), model.hidden_dim(), E, w.w_in.size(2),
            model.effective_top_k(), w.classifier_w.size(0), settings.projection_fix);
  }
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
