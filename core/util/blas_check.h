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

// OpenBLAS picks its kernels from the CPU model when it loads. On a CPU model newer than the
// OpenBLAS build (Debian 12 ships 0.3.21) it falls back to the SSE3 "Prescott" kernels: on the
// lab's machine (Xeon family 6 model 207, AVX-512) a 64x64x64 sgemm ran at 27 GFLOP/s instead of
// 134. The kernels can only be chosen before the library loads, through OPENBLAS_CORETYPE, so the
// entry points call this first: when OpenBLAS fell back although the CPU has AVX2 or AVX-512, it
// sets OPENBLAS_CORETYPE and executes the program again (once: the variable is then set).
// Returns when nothing needed changing or the new execution could not start.
void use_matching_openblas_kernels(char** argv);

// The decision above, on its own for tests: the OPENBLAS_CORETYPE to ask for, or "" to keep the
// loaded kernels. current = the variable's value (null when unset).
std::string openblas_kernels_to_request(const char* current, const std::string& loaded_core,
                                        bool has_avx2_fma, bool has_avx512);

// Limits OpenBLAS's own thread pool (it ignores torch::set_num_threads). No-op without OpenBLAS.
void set_blas_threads(int threads);

}  // namespace moelab
