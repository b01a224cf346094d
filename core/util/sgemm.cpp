#include "util/sgemm.h"

#include <dlfcn.h>

#include <torch/torch.h>

namespace moelab {

namespace {

// The CBLAS interface's constants and signature (cblas.h), so that no BLAS development package
// is needed to build.
enum CblasLayout { kRowMajor = 101 };
enum CblasTranspose { kNoTrans = 111, kTrans = 112 };
using CblasSgemm = void (*)(int layout, int trans_a, int trans_b, int m, int n, int k, float alpha,
                            const float* a, int lda, const float* b, int ldb, float beta, float* c,
                            int ldc);

CblasSgemm find_cblas_sgemm() {
  return reinterpret_cast<CblasSgemm>(dlsym(RTLD_DEFAULT, "cblas_sgemm"));
}

// A row-major operand as a tensor over the same memory: [rows, cols] with leading dimension ld,
// transposed when op() transposes it.
torch::Tensor operand(const float* data, bool transpose, std::int64_t rows, std::int64_t cols,
                      std::int64_t ld) {
  const auto stored_rows = transpose ? cols : rows;
  const auto stored_cols = transpose ? rows : cols;
  auto t = torch::from_blob(const_cast<float*>(data), {stored_rows, stored_cols}, {ld, 1});
  return transpose ? t.t() : t;
}

}  // namespace

void sgemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
           const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
           std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  static const CblasSgemm cblas = find_cblas_sgemm();
  if (cblas != nullptr) {
    cblas(kRowMajor, transpose_a ? kTrans : kNoTrans, transpose_b ? kTrans : kNoTrans,
          static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a,
          static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
    return;
  }
  torch::NoGradGuard no_grad;
  auto out = torch::from_blob(c, {m, n}, {ldc, 1});
  out.addmm_(operand(a, transpose_a, m, k, lda), operand(b, transpose_b, k, n, ldb), beta, 1.0);
}

}  // namespace moelab
