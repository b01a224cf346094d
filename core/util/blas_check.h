#pragma once
// Which BLAS the process loaded. Debian's reference BLAS (what libtorch-dev pulls in alone) made a
// training loop 24 times slower than OpenBLAS on the lab's machine, so the lab says so at start.

#include <string>

namespace moelab {

struct BlasInfo {
  std::string library;  // resolved path of the loaded libblas, or "" when none was found
  bool optimised = false;  // OpenBLAS, BLIS or MKL
  std::string openblas_core;  // OpenBLAS's kernel set (e.g. "SkylakeX"), "" when not OpenBLAS
};

BlasInfo detect_blas();

// Logs a warning with the fix (apt-get install libopenblas0-pthread) when the BLAS is the
// reference one. Returns the detected BLAS.
BlasInfo warn_if_reference_blas();

// The kernels OpenBLAS runs are chosen by util/openblas_kernels.h.

// Limits OpenBLAS's own thread pool (it ignores torch::set_num_threads). No-op without OpenBLAS.
void set_blas_threads(int threads);

}  // namespace moelab
