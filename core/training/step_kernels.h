#pragma once
// The plain loops the fused training step (fused_step.cpp) and the routed mixture
// (routed_mixture.cpp) share around their matrix products: in a header so that each inlines
// them into its own loops.

#include <algorithm>
#include <cstdint>

namespace moelab::step_kernels {

// Sums the rows of a row-major [rows, cols] block into out[cols].
inline void column_sums(const float* data, std::int64_t rows, std::int64_t cols,
                        std::int64_t stride, float* out) {
  std::fill(out, out + cols, 0.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = data + r * stride;
    for (std::int64_t c = 0; c < cols; ++c) out[c] += row[c];
  }
}

// Every row of out[rows, cols] (leading dimension ld) set to bias[cols]: the start of
// out = bias + a b, which sgemm then accumulates into (beta = 1).
inline void fill_rows(float* out, std::int64_t rows, std::int64_t cols, std::int64_t ld,
                      const float* bias) {
  for (std::int64_t r = 0; r < rows; ++r) std::copy(bias, bias + cols, out + r * ld);
}

inline void relu_in_place(float* data, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) data[i] = data[i] > 0.0f ? data[i] : 0.0f;
}

// Zeroes the gradient wherever the ReLU's output was zero.
inline void relu_backward_in_place(float* grad, const float* output, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) grad[i] = output[i] > 0.0f ? grad[i] : 0.0f;
}

}  // namespace moelab::step_kernels
