#include "training/routed_mixture.h"

#include <algorithm>

#include "training/step_kernels.h"
#include "util/sgemm.h"

namespace moelab {

using namespace step_kernels;

void RoutedMixture::forward(const float* input, std::int64_t batch, std::int64_t hidden,
                            std::int64_t inner, std::int64_t experts, std::int64_t k,
                            const std::int64_t* top_index, const float* gate_matrix,
                            const ExpertWeights& w, float* mixed) {
  batch_ = batch, hidden_ = hidden, inner_ = inner, experts_ = experts, k_ = k;
  const auto H = hidden, F = inner, slots = batch * k;
  // Counting sort of the slots by expert; within an expert, by sample.
  begin_.assign(experts + 1, 0);
  for (std::int64_t s = 0; s < slots; ++s) ++begin_[top_index[s] + 1];
  for (std::int64_t e = 0; e < experts; ++e) begin_[e + 1] += begin_[e];
  std::vector<std::int64_t> next(begin_.begin(), begin_.end() - 1);
  slot_row_.resize(slots);
  for (std::int64_t s = 0; s < slots; ++s) slot_row_[next[top_index[s]]++] = s / k;
  // Buffers grow to the largest step so far and are kept.
  const auto at_least = [](std::vector<float>& rows, std::int64_t size) {
    if (static_cast<std::int64_t>(rows.size()) < size) rows.resize(size);
  };
  for (auto* rows : {&input_rows_, &output_rows_, &d_output_rows_, &d_input_rows_}) {
    at_least(*rows, slots * H);
  }
  for (auto* rows : {&inner_rows_, &d_inner_rows_}) at_least(*rows, slots * F);
  for (std::int64_t s = 0; s < slots; ++s) {
    const float* row = input + slot_row_[s] * H;
    std::copy(row, row + H, input_rows_.data() + s * H);
  }
  std::fill(mixed, mixed + batch * H, 0.0f);
  for (std::int64_t e = 0; e < experts; ++e) {
    const auto first = begin_[e], n = begin_[e + 1] - first;
    if (n == 0) continue;
    float* v = inner_rows_.data() + first * F;
    float* y = output_rows_.data() + first * H;
    fill_rows(v, n, F, F, w.b_in + e * F);
    sgemm(false, false, n, F, H, input_rows_.data() + first * H, H, w.w_in + e * H * F, F, 1.0f, v,
          F);
    relu_in_place(v, n * F);
    fill_rows(y, n, H, H, w.b_out + e * H);
    sgemm(false, false, n, H, F, v, F, w.w_out + e * F * H, H, 1.0f, y, H);
    for (std::int64_t r = 0; r < n; ++r) {
      const auto row = slot_row_[first + r];
      const float gate = gate_matrix[row * experts + e];
      float* out = mixed + row * H;
      for (std::int64_t h = 0; h < H; ++h) out[h] += gate * y[r * H + h];
    }
  }
}

void RoutedMixture::backward(const float* d_mixed, const float* gate_matrix, const ExpertWeights& w,
                             const ExpertGradients& grad, float* d_gate_matrix, float* d_input) {
  const auto H = hidden_, F = inner_, E = experts_;
  std::fill(d_gate_matrix, d_gate_matrix + batch_ * E, 0.0f);
  std::fill(d_input, d_input + batch_ * H, 0.0f);
  for (std::int64_t e = 0; e < E; ++e) {
    const auto first = begin_[e], n = begin_[e + 1] - first;
    float* gw_in = grad.w_in + e * H * F;
    float* gb_in = grad.b_in + e * F;
    float* gw_out = grad.w_out + e * F * H;
    float* gb_out = grad.b_out + e * H;
    if (n == 0) {
      std::fill(gw_in, gw_in + H * F, 0.0f), std::fill(gb_in, gb_in + F, 0.0f);
      std::fill(gw_out, gw_out + F * H, 0.0f), std::fill(gb_out, gb_out + H, 0.0f);
      continue;
    }
    const float* x = input_rows_.data() + first * H;
    const float* v = inner_rows_.data() + first * F;
    const float* y = output_rows_.data() + first * H;
    float* dy = d_output_rows_.data() + first * H;
    float* dv = d_inner_rows_.data() + first * F;
    float* dx = d_input_rows_.data() + first * H;
    // Through the gate: d(output) = gate * d(mixed); d(gate) = <d(mixed), output>.
    std::fill(gb_out, gb_out + H, 0.0f);
    for (std::int64_t r = 0; r < n; ++r) {
      const auto row = slot_row_[first + r];
      const float gate = gate_matrix[row * E + e];
      const float* dm = d_mixed + row * H;
      float dot = 0.0f;
      for (std::int64_t h = 0; h < H; ++h) {
        dot += dm[h] * y[r * H + h];
        dy[r * H + h] = gate * dm[h];
        gb_out[h] += dy[r * H + h];
      }
      d_gate_matrix[row * E + e] += dot;
    }
    // Second layer, the ReLU, the first layer.
    sgemm(true, false, F, H, n, v, F, dy, H, 0.0f, gw_out, H);
    sgemm(false, true, n, F, H, dy, H, w.w_out + e * F * H, H, 0.0f, dv, F);
    std::fill(gb_in, gb_in + F, 0.0f);
    for (std::int64_t r = 0; r < n; ++r) {
      for (std::int64_t f = 0; f < F; ++f) {
        const auto at = r * F + f;
        dv[at] = v[at] > 0.0f ? dv[at] : 0.0f;
        gb_in[f] += dv[at];
      }
    }
    sgemm(true, false, H, F, n, x, H, dv, F, 0.0f, gw_in, F);
    sgemm(false, true, n, H, F, dv, F, w.w_in + e * H * F, F, 0.0f, dx, H);
    for (std::int64_t r = 0; r < n; ++r) {
      float* out = d_input + slot_row_[first + r] * H;
      for (std::int64_t h = 0; h < H; ++h) out[h] += dx[r * H + h];
    }
  }
}

}  // namespace moelab
