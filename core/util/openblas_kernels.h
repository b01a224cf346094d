#pragma once
// Which OpenBLAS kernels the lab's matrix products run on.
//
// OpenBLAS (Debian 12 ships 0.3.21, built for every x86-64 kernel set) picks its kernels from the
// CPU model when it loads. On a CPU newer than the build it may fall back to a kernel set that
// does not use the CPU's vector units: on one of the lab's machines (Xeon family 6 model 207,
// AVX-512) it chose the SSE3 "Prescott" kernels, and a 64x64x64 sgemm ran at 27 GFLOP/s instead
// of 134. So each program calls choose_openblas_kernels() first thing in main(): when OpenBLAS
// reports a kernel set older than AVX2 on a CPU with AVX2 and FMA, it switches OpenBLAS, in this
// process only, to the Haswell (AVX2) or SkylakeX (AVX-512) kernels, checks the products at the
// lab's shapes against a plain reference (util/sgemm_check.h), and goes back to OpenBLAS's own
// choice with a warning if they disagree. Nothing is re-executed and no environment variable is
// left for child processes.
//
// Left alone: OPENBLAS_CORETYPE set by the user (OpenBLAS read it when it loaded), the opt-out
// MOELAB_KEEP_OPENBLAS_KERNELS=1, a BLAS that is not OpenBLAS or an OpenBLAS built for one CPU.

#include <functional>
#include <string>

#include "util/sgemm_check.h"

namespace moelab {

// The opt-out: set to 1 (any value but 0 or empty), OpenBLAS keeps its own choice.
inline constexpr const char* kKeepOpenblasKernelsVariable = "MOELAB_KEEP_OPENBLAS_KERNELS";

// The rule: the kernel set to switch to when OpenBLAS reports `current` on a CPU with these
// vector units, or "" to leave it. Acts only on a kernel set older than AVX2 ("Prescott",
// "Core2", "Nehalem", "Sandybridge", ...; OpenBLAS's generic fallback is "Prescott"); a
// "Haswell", "Zen" or "SkylakeX" choice is OpenBLAS's own and stands.
const char* openblas_kernels_for_cpu(const std::string& current, bool has_avx2_fma,
                                     bool has_avx512);

// The CPU's vector units the rule looks at (AVX-512: the F, BW, VL and DQ subsets SkylakeX uses).
bool cpu_has_avx2_fma();
bool cpu_has_avx512();

// The kernel set OpenBLAS runs ("Haswell", "Prescott", ...), "" when the BLAS is not OpenBLAS.
std::string openblas_kernels();

// Switches OpenBLAS, in this process, to the named kernel set (OpenBLAS's OPENBLAS_CORETYPE
// names). False when the loaded BLAS cannot switch (not OpenBLAS, or not built for several CPUs)
// or does not know the name. Call before other threads use BLAS.
bool switch_openblas_kernels(const std::string& name);

struct KernelChoice {
  std::string openblas_choice;   // what OpenBLAS chose when it loaded ("" when not OpenBLAS)
  std::string kernels;           // what the products run on now
  bool switched = false;         // the lab changed OpenBLAS's choice (and its products passed)
  bool checked = false;          // the products were checked (after a switch)
  std::string reason;            // one sentence: why these kernels (logged at debug level)
  std::string warning;           // non-empty: a switch was undone, or products are wrong
  bool products_correct = true;  // false: even OpenBLAS's own kernels failed the check
};

// The call at the top of each main(). When it switches kernels it checks their products at the
// lab's shapes (util/sgemm_check.h) and, if they disagree with the reference, goes
// back to OpenBLAS's own choice and checks that. OpenBLAS's own choice is not checked at each
// start: tests/test_blas_kernels.cpp checks the kernels the tests run on, which are the
// programs'. Never throws. `check` defaults to check_sgemm_products() (tests inject one).
KernelChoice choose_openblas_kernels(const std::function<SgemmCheck()>& check = {});

// Logs the choice: the warning when there is one, the reason at debug level. Returns
// choice.products_correct.
bool report_kernel_choice(const KernelChoice& choice);

}  // namespace moelab
