#pragma once
// Checks the loaded BLAS's float products at the shapes the training step runs (a batch of 64, a
// probe of 128, 64 hidden units, 64 or 784 inputs, 10 classes, 2 to 12 experts, both transposes,
// beta 0 and 1) against a plain triple loop in double precision.
//
// Why: older OpenBLAS builds are known to compute wrong results or crash on CPUs they do not know,
// and every other check of the step compares OpenBLAS with OpenBLAS (autograd and torch::mm call
// the same library). This one compares it with arithmetic that cannot share its bugs.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace moelab {

// One product c = op(a)[m, k] op(b)[k, n] + beta c, as util/sgemm.h computes it.
struct GemmShape {
  const char* use;  // where the training step runs it, e.g. "experts' first layer"
  bool transpose_a = false;
  bool transpose_b = false;
  std::int64_t m = 0, n = 0, k = 0;
  float beta = 0.0f;
};

// Every shape the check runs, in the training step's order.
const std::vector<GemmShape>& lab_gemm_shapes();

// Row-major, leading dimensions = the stored widths; the signature of util/sgemm.h's sgemm.
using SgemmFunction =
    std::function<void(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                       std::int64_t k, const float* a, std::int64_t lda, const float* b,
                       std::int64_t ldb, float beta, float* c, std::int64_t ldc)>;

struct SgemmCheck {
  bool passed = true;
  // The worst element over all shapes: its error over the bound float rounding allows
  // (<= 1 passes), and where it was.
  double worst_ratio = 0.0;
  std::string worst;  // "experts' first layer 192x128x64 (N,N beta 0): c[3,17] = ... vs ..."
};

// Runs every lab shape through `product` (default: util/sgemm.h, the loaded BLAS) on fixed
// pseudo-random operands in [-1, 1]. An element passes when |c - exact| is within the bound any
// summation order of float products and sums respects: 2 (k + 2) 2^-24 (|a||b| + |beta c|).
// A NaN or infinity fails.
SgemmCheck check_sgemm_products(const SgemmFunction& product = {});

}  // namespace moelab
