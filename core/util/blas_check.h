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

// OpenBLAS picks its kernels from the CPU model when it loads, and on a model newer than the
// OpenBLAS build (Debian 12 ships 0.3.21) it falls back to its SSE3 "Prescott" kernels: on the
// lab's machine (Xeon family 6 model 207, AVX-512) a 64x64x64 sgemm ran at 27 GFLOP/s instead of
// 134. The choice is read once, when the library initialises, from OPENBLAS_CORETYPE. So every
// program linking this file checks from its .preinit_array (before any shared library's
// initialiser) and, unless the user set the variable, executes itself once more with the kernel
// set that matches the CPU's vector units. This is that rule: the kernels to request, or "" to
// leave OpenBLAS's own choice.
const char* openblas_kernels_for_cpu(const char* user_setting, bool has_avx2_fma, bool has_avx512);

// Limits OpenBLAS's own thread pool (it ignores torch::set_num_threads). No-op without OpenBLAS.
void set_blas_threads(int threads);

}  // namespace moelab
