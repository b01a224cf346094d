#pragma once
// One float matrix product on raw row-major memory, straight into the loaded BLAS:
//   c[m, n] = op(a)[m, k] * op(b)[k, n] + beta * c,   op(x) = x or its transpose.
//
// Why: the fused training step runs ~20 small products per step on buffers it owns. Through
// at::mm_out each one also paid for the operator dispatch and the views that describe its
// operands (~40 narrow/t/select calls a step, a fifth of the step at 2 experts); here it is one
// function call. cblas_sgemm is looked up in the process (OpenBLAS exports it); without it, the
// product falls back to LibTorch.

#include <cstdint>

namespace moelab {

void sgemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
           const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
           std::int64_t ldc);

}  // namespace moelab
