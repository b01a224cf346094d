#include "training/fused_dense_step.h"

#include <algorithm>
#include <cmath>

#include "training/routing_losses.h"

namespace moelab {

namespace {

constexpr float kNormalizeEps = 1e-8f;   // as expert_output_similarity's normalize
constexpr double kLogFloor = 1e-9;       // as the usage and sample entropies
constexpr double kIdleShareFloor = 0.1;  // as entropy_balance_of_share, times 1/E

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

// Matrix products written into an existing buffer (often a view of one), out = a b or
// out = bias + a b; BLAS reads transposed and row-strided operands in place.
void mm_into(torch::Tensor out, const torch::Tensor& a, const torch::Tensor& b) {
  at::mm_out(out, a, b);
}
void addmm_into(torch::Tensor out, const torch::Tensor& bias, const torch::Tensor& a,
                const torch::Tensor& b) {
  at::addmm_out(out, bias, a, b);
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
        classifier_b(model.classifier()->bias) {}

  torch::Tensor projection_w, projection_b, router_w, router_b, w_in, b_in, w_out, b_out,
      classifier_w, classifier_b;
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
  torch::Tensor logits;          // [Bcap, C], then d(loss)/d(logits)
  torch::Tensor probe_unit;      // [E, P, H]: expert outputs on the probe, then unit rows
  torch::Tensor d_probe;         // [E, P, H]
  torch::Tensor d_mixed;         // [Bcap, H]
  torch::Tensor d_gated;         // [Bcap, E*F]
  torch::Tensor d_gate_matrix;   // [Bcap, E]
  torch::Tensor d_inner;         // [P + Bcap, E*F]
  torch::Tensor d_expert_input;  // [P + Bcap, H]
  torch::Tensor d_router;        // [Bcap, E]
  torch::Tensor w_in_grad_cat;   // [H, E*F]
  std::vector<std::int64_t> top_index;  // [Bcap, k], by descending probability
  std::vector<float> top_sum;           // [Bcap]
  std::vector<float> probe_norm;        // [E]
  std::vector<double> d_share, usage;              // [E]
  std::vector<std::int64_t> expert_order;          // [E], one sample's experts by probability
  std::vector<float> d_probs;                      // [E], one sample's d(loss)/d(probs)
  std::vector<float> probe_unit_sum;               // [P*H], sum of the experts' unit rows
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
    probe_unit = buffer({e, p, h});
    d_probe = buffer({e, p, h});
    d_mixed = buffer({bc, h});
    d_gated = buffer({bc, e * f});
    d_gate_matrix = buffer({bc, e});
    d_inner = buffer({rows, e * f});
    d_expert_input = buffer({rows, h});
    d_router = buffer({bc, e});
    w_in_grad_cat = buffer({h, e * f});
    top_index.assign(bc * k, 0);
    top_sum.assign(bc, 0.0f);
    probe_norm.assign(e, 0.0f);
    d_share.assign(e, 0.0);
    usage.assign(e, 0.0);
    expert_order.assign(e, 0);
    d_probs.assign(e, 0.0f);
    probe_unit_sum.assign(p * h, 0.0f);
    column_sum.assign(h, 0.0f);
  }

  // The phases of run(), in order. B = batch rows of this call.
  void project(const Params& w, const torch::Tensor& x, std::int64_t b);
  void route(const Params& w, std::int64_t b, StepScalars& out);
  void mix_experts(const Params& w, std::int64_t b);
  void classify(const Params& w, const torch::Tensor& y, std::int64_t b, StepScalars& out);
  double probe_similarity(const Params& w);
  void backward_mixture(const Params& w, std::int64_t b);
  void backward_probe(const Params& w, double weight);
  void backward_first_layer(const Params& w, std::int64_t b);
  void backward_router(const Params& w, std::int64_t b, double entropy_weight);
  void backward_projection(const Params& w, std::int64_t b);

  torch::Tensor batch_rows(const torch::Tensor& t, std::int64_t b) const {
    return t.narrow(0, probe_rows, b);
  }
  torch::Tensor all_rows(const torch::Tensor& t, std::int64_t b) const {
    return t.narrow(0, 0, probe_rows + b);
  }
  // Rows the projection sees: the probe's too when it goes through it.
  std::int64_t projection_begin() const { return probe_through_projection ? 0 : probe_rows; }
};



void FusedDenseStep::Workspace::project(const Params& w, const torch::Tensor& x, std::int64_t b) {
  batch_rows(input, b).copy_(x);
  const auto begin = projection_begin();
  const auto rows = probe_rows + b - begin;
  auto out = expert_input.narrow(0, begin, rows);
  addmm_into(out, w.projection_b, input.narrow(0, begin, rows), w.projection_w.t());
  out.relu_();
}

// Softmax, top-k and renormalised gates per sample, with the routed share and the sample
// entropy on the way.
void FusedDenseStep::Workspace::route(const Params& w, std::int64_t b, StepScalars& out) {
  const auto E = experts;
  const auto K = top_k;
  auto probs_b = probs.narrow(0, 0, b);
  addmm_into(probs_b, w.router_b, batch_rows(expert_input, b), w.router_w.t());
  std::fill(usage.begin(), usage.end(), 0.0);
  gate_matrix.narrow(0, 0, b).zero_();
  double sample_entropy = 0.0;
  auto& order = expert_order;
  for (std::int64_t i = 0; i < b; ++i) {
    float* p = f32(probs) + i * E;
    const float top = *std::max_element(p, p + E);
    float sum = 0.0f;
    for (std::int64_t e = 0; e < E; ++e) sum += (p[e] = std::exp(p[e] - top));
    double entropy = 0.0;
    for (std::int64_t e = 0; e < E; ++e) {
      p[e] /= sum;
      entropy -= p[e] * std::log(p[e] + kLogFloor);
    }
    sample_entropy += entropy;
    // Top k by descending probability; the lower index first among equals.
    for (std::int64_t e = 0; e < E; ++e) order[e] = e;
    std::partial_sort(order.begin(), order.begin() + K, order.end(),
                      [p](std::int64_t a, std::int64_t c) { return p[a] > p[c] || (p[a] == p[c] && a < c); });
    float chosen = 0.0f;
    for (std::int64_t j = 0; j < K; ++j) chosen += p[order[j]];
    top_sum[i] = chosen;
    float* gates = f32(gate_matrix) + i * E;
    for (std::int64_t j = 0; j < K; ++j) {
      top_index[i * K + j] = order[j];
      gates[order[j]] = p[order[j]] / chosen;
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
  w_in_cat.view({hidden, E, F}).copy_(w.w_in.permute({1, 0, 2}));
  auto inner_rows = all_rows(inner_out, b);
  addmm_into(inner_rows, w.b_in.view({E * F}), all_rows(expert_input, b), w_in_cat);
  inner_rows.relu_();
  const float* v = f32(inner_out) + probe_rows * E * F;
  const float* g = f32(gate_matrix);
  float* out = f32(gated);
  for (std::int64_t i = 0; i < b * E; ++i) {
    const float gate = g[i];
    for (std::int64_t f = 0; f < F; ++f) out[i * F + f] = v[i * F + f] * gate;
  }
  auto mixed_b = mixed.narrow(0, 0, b);
  mm_into(mixed_b, gate_matrix.narrow(0, 0, b), w.b_out.view({E, hidden}));
  mixed_b.addmm_(gated.narrow(0, 0, b), w.w_out.view({E * F, hidden}));
}

// Logits, cross entropy, accuracy, and d(cross entropy)/d(logits) in place of the logits.
void FusedDenseStep::Workspace::classify(const Params& w, const torch::Tensor& y, std::int64_t b,
                                         StepScalars& out) {
  const auto C = classes;
  addmm_into(logits.narrow(0, 0, b), w.classifier_b, mixed.narrow(0, 0, b),
                w.classifier_w.t());
  const auto labels = y.contiguous();
  const std::int64_t* label = labels.data_ptr<std::int64_t>();
  double loss = 0.0;
  std::int64_t correct = 0;
  const float scale = 1.0f / static_cast<float>(b);
  for (std::int64_t i = 0; i < b; ++i) {
    TORCH_CHECK(label[i] >= 0 && label[i] < C, "label ", label[i], " is not one of the ", C,
                " classes");
    float* z = f32(logits) + i * C;
    const auto best = std::max_element(z, z + C) - z;
    correct += best == label[i] ? 1 : 0;
    const float top = z[best];
    float sum = 0.0f;
    for (std::int64_t c = 0; c < C; ++c) sum += std::exp(z[c] - top);
    const float log_sum = std::log(sum);
    loss -= z[label[i]] - top - log_sum;
    for (std::int64_t c = 0; c < C; ++c) {
      z[c] = (std::exp(z[c] - top - log_sum) - (c == label[i] ? 1.0f : 0.0f)) * scale;
    }
  }
  out.cross_entropy = loss / static_cast<double>(b);
  out.correct = correct;
}

// Mean pairwise cosine similarity of the experts' outputs on the probe; leaves the unit rows
// and norms for the backward pass.
double FusedDenseStep::Workspace::probe_similarity(const Params& w) {
  const auto E = experts;
  const auto P = probe_rows;
  const auto F = inner;
  const auto n = P * hidden;
  for (std::int64_t e = 0; e < E; ++e) {
    auto out = probe_unit[e];
    addmm_into(out, w.b_out[e].view({hidden}), inner_out.narrow(0, 0, P).narrow(1, e * F, F),
                  w.w_out[e]);
    float* u = f32(probe_unit) + e * n;
    double squares = 0.0;
    for (std::int64_t i = 0; i < n; ++i) squares += static_cast<double>(u[i]) * u[i];
    probe_norm[e] = static_cast<float>(std::sqrt(squares));
    const float inverse = 1.0f / std::max(probe_norm[e], kNormalizeEps);
    for (std::int64_t i = 0; i < n; ++i) u[i] *= inverse;
  }
  double off_diagonal = 0.0;
  for (std::int64_t a = 0; a < E; ++a) {
    for (std::int64_t c = a + 1; c < E; ++c) {
      const float* ua = f32(probe_unit) + a * n;
      const float* uc = f32(probe_unit) + c * n;
      double dot = 0.0;
      for (std::int64_t i = 0; i < n; ++i) dot += static_cast<double>(ua[i]) * uc[i];
      off_diagonal += 2.0 * dot;
    }
  }
  return off_diagonal / static_cast<double>(E * (E - 1));
}

// Classifier and the gated mixture: gradients of the classifier and of the experts' second
// layer, d(gates), and the batch rows of d(first layer output) through the ReLU.
void FusedDenseStep::Workspace::backward_mixture(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto H = hidden;
  const auto d_logits = logits.narrow(0, 0, b);
  mm_into(gradient_of(w.classifier_w), d_logits.t(), mixed.narrow(0, 0, b));
  column_sums(f32(d_logits), b, classes, classes, f32(gradient_of(w.classifier_b)));
  auto d_mixed_b = d_mixed.narrow(0, 0, b);
  mm_into(d_mixed_b, d_logits, w.classifier_w);

  auto grad_w_out = gradient_of(w.w_out).view({E * F, H});
  mm_into(grad_w_out, gated.narrow(0, 0, b).t(), d_mixed_b);
  auto grad_b_out = gradient_of(w.b_out).view({E, H});
  mm_into(grad_b_out, gate_matrix.narrow(0, 0, b).t(), d_mixed_b);
  mm_into(d_gated.narrow(0, 0, b), d_mixed_b, w.w_out.view({E * F, H}).t());
  mm_into(d_gate_matrix.narrow(0, 0, b), d_mixed_b, w.b_out.view({E, H}).t());

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

// d(weight * similarity)/d(expert outputs on the probe): each unit row's gradient is the sum of
// the other unit rows, less its radial part; then through each expert's second layer into the
// probe rows of d(first layer output).
void FusedDenseStep::Workspace::backward_probe(const Params& w, double weight) {
  const auto E = experts;
  const auto P = probe_rows;
  const auto F = inner;
  const auto n = P * hidden;
  const auto pair_weight = static_cast<float>(2.0 * weight / static_cast<double>(E * (E - 1)));
  auto& total = probe_unit_sum;
  std::fill(total.begin(), total.end(), 0.0f);
  for (std::int64_t e = 0; e < E; ++e) {
    const float* u = f32(probe_unit) + e * n;
    for (std::int64_t i = 0; i < n; ++i) total[i] += u[i];
  }
  auto grad_w_out = gradient_of(w.w_out);
  float* grad_b_out = f32(gradient_of(w.b_out));
  for (std::int64_t e = 0; e < E; ++e) {
    const float* u = f32(probe_unit) + e * n;
    float* d = f32(d_probe) + e * n;
    double radial = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      d[i] = pair_weight * (total[i] - u[i]);
      radial += static_cast<double>(u[i]) * d[i];
    }
    const bool clamped = probe_norm[e] <= kNormalizeEps;
    const float r = clamped ? 0.0f : static_cast<float>(radial);
    const float inverse = 1.0f / std::max(probe_norm[e], kNormalizeEps);
    for (std::int64_t i = 0; i < n; ++i) d[i] = (d[i] - u[i] * r) * inverse;

    const auto d_out = d_probe[e];
    const auto probe_inner = inner_out.narrow(0, 0, P).narrow(1, e * F, F);
    grad_w_out[e].addmm_(probe_inner.t(), d_out);
    column_sums(d, P, hidden, hidden, column_sum.data());
    for (std::int64_t h = 0; h < hidden; ++h) grad_b_out[e * hidden + h] += column_sum[h];
    auto d_inner_block = d_inner.narrow(0, 0, P).narrow(1, e * F, F);
    mm_into(d_inner_block, d_out, w.w_out[e].t());
  }
  relu_backward_in_place(f32(d_inner), f32(inner_out), P * E * F);
}

// The experts' first layer: weight and bias gradients from all rows, and d(expert input).
void FusedDenseStep::Workspace::backward_first_layer(const Params& w, std::int64_t b) {
  const auto E = experts;
  const auto F = inner;
  const auto d_rows = all_rows(d_inner, b);
  mm_into(w_in_grad_cat, all_rows(expert_input, b).t(), d_rows);
  gradient_of(w.w_in).copy_(w_in_grad_cat.view({hidden, E, F}).permute({1, 0, 2}));
  column_sums(f32(d_rows), probe_rows + b, E * F, E * F, f32(gradient_of(w.b_in)));
  mm_into(all_rows(d_expert_input, b), d_rows, w_in_cat.t());
}

// Gates (renormalised top-k of the router's softmax) and the entropy term's straight-through
// gradient on the soft mean routing, through the softmax into the router.
void FusedDenseStep::Workspace::backward_router(const Params& w, std::int64_t b,
                                                double entropy_weight) {
  const auto E = experts;
  const auto K = top_k;
  std::fill(d_share.begin(), d_share.end(), 0.0);
  if (entropy_weight != 0.0 && E >= 2) {
    // d(-weight * entropy balance)/d(share); the objective is -sum s log(s + floor) / log E.
    const double floor = kIdleShareFloor / static_cast<double>(E);
    for (std::int64_t e = 0; e < E; ++e) {
      const double s = usage[e];
      d_share[e] = (std::log(s + floor) + s / (s + floor)) * entropy_weight /
                   std::log(static_cast<double>(E)) / static_cast<double>(b);
    }
  }
  for (std::int64_t i = 0; i < b; ++i) {
    const float* p = f32(probs) + i * E;
    const float* dgm = f32(d_gate_matrix) + i * E;
    const float* g = f32(gate_matrix) + i * E;
    const std::int64_t* chosen = top_index.data() + i * K;
    for (std::int64_t e = 0; e < E; ++e) d_probs[e] = static_cast<float>(d_share[e]);
    float weighted = 0.0f;
    for (std::int64_t j = 0; j < K; ++j) weighted += dgm[chosen[j]] * g[chosen[j]];
    for (std::int64_t j = 0; j < K; ++j) {
      d_probs[chosen[j]] += (dgm[chosen[j]] - weighted) / top_sum[i];
    }
    float along = 0.0f;
    for (std::int64_t e = 0; e < E; ++e) along += d_probs[e] * p[e];
    float* dr = f32(d_router) + i * E;
    for (std::int64_t e = 0; e < E; ++e) dr[e] = p[e] * (d_probs[e] - along);
  }
  const auto d_router_b = d_router.narrow(0, 0, b);
  mm_into(gradient_of(w.router_w), d_router_b.t(), batch_rows(expert_input, b));
  column_sums(f32(d_router_b), b, E, E, f32(gradient_of(w.router_b)));
  batch_rows(d_expert_input, b).addmm_(d_router_b, w.router_w);
}

// The projection: the probe's rows count only when the probe went through it.
void FusedDenseStep::Workspace::backward_projection(const Params& w, std::int64_t b) {
  const auto begin = projection_begin();
  const auto rows = probe_rows + b - begin;
  const auto d_pre = d_expert_input.narrow(0, begin, rows);
  relu_backward_in_place(f32(d_pre), f32(expert_input.narrow(0, begin, rows)), rows * hidden);
  mm_into(gradient_of(w.projection_w), d_pre.t(), input.narrow(0, begin, rows));
  column_sums(f32(d_pre), rows, hidden, hidden, f32(gradient_of(w.projection_b)));
}

FusedDenseStep::FusedDenseStep(torch::Tensor probe)
    : probe_(probe.contiguous()), workspace_(std::make_unique<Workspace>()) {}

FusedDenseStep::~FusedDenseStep() = default;

StepLosses FusedDenseStep::run(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                               const StepLossWeights& weights) {
  torch::NoGradGuard no_grad;
  const Params w(model);
  const auto E = model.num_experts();
  const auto b = x.size(0);
  const bool diversity_on = weights.diversity != 0.0 && E >= 2;
  const auto P = diversity_on ? probe_.size(0) : 0;
  auto& ws = *workspace_;
  if (!ws.fits(P, b, x.size(1), model.hidden_dim(), E, w.w_in.size(2), model.effective_top_k(),
               w.classifier_w.size(0), weights.projection_fix)) {
    ws.make(probe_, P, b, x.size(1), model.hidden_dim(), E, w.w_in.size(2),
            model.effective_top_k(), w.classifier_w.size(0), weights.projection_fix);
  }

  StepLosses losses;
  auto& s = losses.scalars;
  ws.project(w, x, b);
  ws.route(w, b, s);
  ws.mix_experts(w, b);
  ws.classify(w, y, b, s);
  const double similarity = diversity_on ? ws.probe_similarity(w) : 0.0;
  s.entropy_term = E < 2 ? 0.0
                         : -weights.entropy * normalised_entropy(ws.usage.data(), E,
                                                                 kIdleShareFloor / E);
  s.diversity_term = similarity * weights.diversity;
  s.total = s.cross_entropy + s.diversity_term + (weights.entropy != 0.0 ? s.entropy_term : 0.0);
  losses.usage = ws.usage;

  ws.backward_mixture(w, b);
  if (diversity_on) ws.backward_probe(w, weights.diversity);
  ws.backward_first_layer(w, b);
  ws.backward_router(w, b, weights.entropy);
  ws.backward_projection(w, b);
  return losses;
}

}  // namespace moelab
