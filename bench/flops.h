#pragma once
// What the training benchmark divides by: the fused step's matrix-multiply FLOPs and the
// machine's single-precision matrix-multiply peak.

#include <cstdint>

namespace moelab::bench {

// Matrix-multiply FLOPs of one fused dense training step (core/training/fused_step.cpp)
// with `experts` experts: every product it runs, forward and backward. The projection needs no
// gradient for its input, so its backward is one product, not two; element-wise work and the
// probe's Gram matrix (a loop) are left out.
double step_flops(std::int64_t batch, std::int64_t d, std::int64_t h, std::int64_t f,
                  std::int64_t c, std::int64_t experts, std::int64_t probe);

// Best of `repeats` products of two n x n float matrices on `threads` threads, in GFLOP/s.
double sgemm_gflops(int threads, int repeats, std::int64_t n);

}  // namespace moelab::bench
