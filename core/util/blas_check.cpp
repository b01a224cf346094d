#include "util/blas_check.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "util/logging.h"

namespace moelab {

namespace {

int collect_blas(dl_phdr_info* info, size_t, void* data) {
  const std::string name = info->dlpi_name ? info->dlpi_name : "";
  const auto file = std::filesystem::path(name).filename().string();
  auto* found = static_cast<std::string*>(data);
  const bool blas = file.rfind("libblas", 0) == 0 || file.rfind("libopenblas", 0) == 0 ||
                    file.rfind("libmkl_rt", 0) == 0 || file.rfind("libblis", 0) == 0;
  if (blas && found->empty()) {
    std::error_code error;
    const auto resolved = std::filesystem::canonical(name, error);
    *found = error ? name : resolved.string();
  }
  return 0;
}

std::string loaded_openblas_core() {
  using CoreName = char* (*)();
  auto* name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* core = name ? name() : nullptr;
  return core ? core : "";
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

const char* openblas_kernels_for_cpu(const char* user_setting, bool has_avx2_fma,
                                     bool has_avx512) {
  if (user_setting != nullptr) return "";  // the user's choice stands
  if (has_avx512) return "SkylakeX";
  if (has_avx2_fma) return "Haswell";
  return "";
}

namespace {

bool cpu_has_avx2_fma() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}

// Runs after the shared libraries are loaded but before any of them is initialised, the C library
// included: environ is not set up yet (setenv here would be undone by libc's initialiser), so a
// needed change is made by executing the program again with the variable added to envp. That
// costs the libraries' loading, not their (much longer) initialisation, and happens once: the
// new process finds the variable set.
void request_openblas_kernels(int, char** argv, char** envp) {
  __builtin_cpu_init();
  const char* current = nullptr;
  std::size_t count = 0;
  for (; envp != nullptr && envp[count] != nullptr; ++count) {
    if (std::strncmp(envp[count], "OPENBLAS_CORETYPE=", 18) == 0) current = envp[count] + 18;
  }
  const char* request = openblas_kernels_for_cpu(current, cpu_has_avx2_fma(), cpu_has_avx512());
  if (*request == '\0' || argv == nullptr) return;
  // Plain C from here: the C++ runtime is not initialised either.
  static char assignment[64] = "OPENBLAS_CORETYPE=";
  std::strncat(assignment, request, sizeof assignment - std::strlen(assignment) - 1);
  auto** environment = static_cast<char**>(std::malloc((count + 2) * sizeof(char*)));
  if (environment == nullptr) return;
  std::memcpy(environment, envp, count * sizeof(char*));
  environment[count] = assignment;
  environment[count + 1] = nullptr;
  execve("/proc/self/exe", argv, environment);
  std::free(environment);
  // Still here (no /proc?): OpenBLAS keeps its own choice; warn_if_reference_blas says so.
}

}  // namespace

// An executable's .preinit_array runs before any shared library's initialiser, OpenBLAS's
// included (its constructor reads OPENBLAS_CORETYPE).
__attribute__((section(".preinit_array"), used)) static void (*const kRequestOpenblasKernels)(
    int, char**, char**) = &request_openblas_kernels;

BlasInfo detect_blas() {
  BlasInfo info;
  dl_iterate_phdr(collect_blas, &info.library);
  for (const char* marker : {"openblas", "blis", "mkl"}) {
    if (info.library.find(marker) != std::string::npos) info.optimised = true;
  }
  info.openblas_core = loaded_openblas_core();
  return info;
}

BlasInfo warn_if_reference_blas() {
  auto info = detect_blas();
  __builtin_cpu_init();
  if (lower(info.openblas_core) == "prescott" && cpu_has_avx2_fma()) {
    logger()->warn("OpenBLAS runs its generic SSE3 kernels on a CPU with AVX2: matrix products "
                   "will be several times slower. Unset OPENBLAS_CORETYPE or set it to {}",
                   cpu_has_avx512() ? "SkylakeX" : "Haswell");
  }
  if (!info.optimised) {
    logger()->warn(
        "BLAS in use is '{}', not an optimised one: training will be many times slower. "
        "Install OpenBLAS: sudo apt-get install libopenblas0-pthread",
        info.library.empty() ? "unknown" : info.library);
  } else {
    logger()->debug("BLAS: {} {}", info.library, info.openblas_core);
  }
  return info;
}

void set_blas_threads(int threads) {
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(threads);
  }
}

}  // namespace moelab
