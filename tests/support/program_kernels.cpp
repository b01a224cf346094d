// Every test process runs its matrix products on the kernels the programs run on: the same call
// as the first line of moelab's and moelab-cli's main(), made before the test's main().
#include "util/openblas_kernels.h"

namespace {

const bool kKernelsChosen = [] {
  return moelab::report_kernel_choice(moelab::choose_openblas_kernels());
}();

}  // namespace
