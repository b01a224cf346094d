#include "util/sgemm_check.h"

#include <cmath>
#include <sstream>

#include "util/sgemm.h"

namespace moelab {

namespace {

// The training step's sizes: a probe of 128 and a batch of 64 rows, 64 hidden units and expert
// width, 64 (digits) or 784 (Fashion-MNIST) inputs, 10 classes, 12 experts (the default cap).
constexpr std::int64_t kProbe = 128, kBatch = 64, kRows = kProbe + kBatch;
constexpr std::int64_t kHidden = 64, kInputs = 784, kDigitInputs = 64, kClasses = 10;
constexpr std::int64_t kExperts = 12, kExpertUnits = kExperts * 64;

constexpr double kUnitRoundoff = 1.0 / (1 << 24);  // float's u = 2^-24

// Operands in [-1, 1] from a fixed xorshift stream: cheap, and the same on every machine.
class Operands {
 public:
  void fill(std::vector<float>& values, std::int64_t size) {
    values.resize(static_cast<std::size_t>(size));
    for (auto& v : values) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      v = static_cast<float>(static_cast<double>(state_ >> 40) / (1 << 23) - 1.0);
    }
  }

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
};

// Buffers kept from shape to shape: fresh large allocations cost a page fault per 4 KiB.
struct Workspace {
  std::vector<float> a, b, c0, c;
  std::vector<double> a_exact, b_exact, b_abs;
  std::vector<double> exact;      // op(a) op(b) + beta c0, in double
  std::vector<double> magnitude;  // |op(a)| |op(b)| + |beta c0|: what the rounding bound scales
};

// op(x) as a row-major [rows, cols] matrix of doubles.
void as_double(const std::vector<float>& x, bool transpose, std::int64_t rows, std::int64_t cols,
               std::vector<double>& out) {
  out.resize(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      out[static_cast<std::size_t>(r * cols + c)] = transpose
                                                        ? x[static_cast<std::size_t>(c * rows + r)]
                                                        : x[static_cast<std::size_t>(r * cols + c)];
    }
  }
}

// The plain triple loop (row i, then p, then column j, so that the innermost loop runs along a
// row): exact in double for float inputs up to the last bits of a long sum.
void triple_loop(const GemmShape& s, Workspace& w) {
  as_double(w.a, s.transpose_a, s.m, s.k, w.a_exact);
  as_double(w.b, s.transpose_b, s.k, s.n, w.b_exact);
  w.b_abs.resize(w.b_exact.size());
  for (std::size_t i = 0; i < w.b_exact.size(); ++i) w.b_abs[i] = std::fabs(w.b_exact[i]);
  w.exact.resize(static_cast<std::size_t>(s.m * s.n));
  w.magnitude.resize(w.exact.size());
  for (std::int64_t i = 0; i < s.m; ++i) {
    double* exact = w.exact.data() + i * s.n;
    double* magnitude = w.magnitude.data() + i * s.n;
    for (std::int64_t j = 0; j < s.n; ++j) {
      const double carried =
          static_cast<double>(s.beta) * w.c0[static_cast<std::size_t>(i * s.n + j)];
      exact[j] = carried;
      magnitude[j] = std::fabs(carried);
    }
    for (std::int64_t p = 0; p < s.k; ++p) {
      const double a_ip = w.a_exact[static_cast<std::size_t>(i * s.k + p)];
      const double a_abs = std::fabs(a_ip);
      const double* b_row = w.b_exact.data() + p * s.n;
      const double* b_abs = w.b_abs.data() + p * s.n;
      for (std::int64_t j = 0; j < s.n; ++j) {
        exact[j] += a_ip * b_row[j];
        magnitude[j] += a_abs * b_abs[j];
      }
    }
  }
}

std::string describe(const GemmShape& s) {
  std::ostringstream text;
  text << s.use << " " << s.m << "x" << s.n << "x" << s.k << " (" << (s.transpose_a ? 'T' : 'N')
       << "," << (s.transpose_b ? 'T' : 'N') << " beta " << s.beta << ")";
  return text.str();
}

void check_shape(const GemmShape& s, const SgemmFunction& product, Operands& operands, Workspace& w,
                 SgemmCheck& check) {
  operands.fill(w.a, s.m * s.k);
  operands.fill(w.b, s.k * s.n);
  operands.fill(w.c0, s.m * s.n);
  w.c = w.c0;
  product(s.transpose_a, s.transpose_b, s.m, s.n, s.k, w.a.data(), s.transpose_a ? s.m : s.k,
          w.b.data(), s.transpose_b ? s.k : s.n, s.beta, w.c.data(), s.n);
  triple_loop(s, w);
  const double gamma = 2.0 * static_cast<double>(s.k + 2) * kUnitRoundoff;
  for (std::int64_t i = 0; i < s.m * s.n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    const double error = std::fabs(static_cast<double>(w.c[at]) - w.exact[at]);
    // The bound is never 0 for these operands; a NaN error compares false, hence the negation.
    const double ratio = error / (gamma * w.magnitude[at] + 1e-300);
    if (!(ratio <= check.worst_ratio) || !std::isfinite(w.c[at])) {
      check.worst_ratio = std::isfinite(ratio) ? ratio : INFINITY;
      std::ostringstream where;
      where << describe(s) << ": c[" << i / s.n << "," << i % s.n << "] = " << w.c[at]
            << " where the exact value is " << w.exact[at];
      check.worst = where.str();
    }
  }
}

}  // namespace

const std::vector<GemmShape>& lab_gemm_shapes() {
  static const std::vector<GemmShape> shapes = {
      {"input projection (digits)", false, true, kRows, kHidden, kDigitInputs, 1.0f},
      {"input projection (784 inputs)", false, true, kRows, kHidden, kInputs, 1.0f},
      {"router, 2 experts", false, true, kBatch, 2, kHidden, 1.0f},
      {"router", false, true, kBatch, kExperts, kHidden, 1.0f},
      {"experts' first layer, 2 experts", false, false, kRows, 2 * 64, kHidden, 1.0f},
      {"experts' first layer", false, false, kRows, kExpertUnits, kHidden, 1.0f},
      {"gates x output biases", false, false, kBatch, kHidden, kExperts, 0.0f},
      {"gated mixture", false, false, kBatch, kHidden, kExpertUnits, 1.0f},
      {"classifier", false, true, kBatch, kClasses, kHidden, 1.0f},
      {"probe outputs", false, false, kProbe, kHidden, 64, 1.0f},
      {"classifier weight gradient", true, false, kClasses, kHidden, kBatch, 0.0f},
      {"mixture gradient", false, false, kBatch, kHidden, kClasses, 0.0f},
      {"experts' output weight gradient", true, false, kExpertUnits, kHidden, kBatch, 0.0f},
      {"experts' output bias gradient", true, false, kExperts, kHidden, kBatch, 0.0f},
      {"gated units gradient", false, true, kBatch, kExpertUnits, kHidden, 0.0f},
      {"gates gradient", false, true, kBatch, kExperts, kHidden, 0.0f},
      {"probe output weight gradient", true, false, 64, kHidden, kProbe, 1.0f},
      {"probe units gradient", false, true, kProbe, 64, kHidden, 0.0f},
      {"experts' first layer gradient", true, false, kHidden, kExpertUnits, kRows, 0.0f},
      {"expert input gradient", false, true, kRows, kHidden, kExpertUnits, 0.0f},
      {"router weight gradient", true, false, kExperts, kHidden, kBatch, 0.0f},
      {"router input gradient", false, false, kBatch, kHidden, kExperts, 1.0f},
      {"projection weight gradient (784 inputs)", true, false, kHidden, kInputs, kRows, 0.0f},
      {"diversity Gram matrix", false, true, kExperts, kExperts, kProbe * kHidden, 0.0f},
      {"diversity gradient", false, false, kExperts, kProbe * kHidden, kExperts, 1.0f},
  };
  return shapes;
}

SgemmCheck check_sgemm_products(const SgemmFunction& product) {
  const SgemmFunction run = product ? product : SgemmFunction(&sgemm);
  Operands operands;
  Workspace workspace;
  SgemmCheck check;
  for (const auto& shape : lab_gemm_shapes()) check_shape(shape, run, operands, workspace, check);
  check.passed = check.worst_ratio <= 1.0;
  return check;
}

}  // namespace moelab
