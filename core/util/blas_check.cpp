#include "util/blas_check.h"

#include <dlfcn.h>
#include <link.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
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

std::string openblas_kernels_to_request(const char* current, const std::string& loaded_core,
                                        bool has_avx2_fma, bool has_avx512) {
  if (current != nullptr) return "";  // the user's (or our first execution's) choice stands
  if (lower(loaded_core) != "prescott") return "";  // detected properly, or not OpenBLAS
  if (has_avx512) return "SkylakeX";
  if (has_avx2_fma) return "Haswell";
  return "";
}

void use_matching_openblas_kernels(char** argv) {
  __builtin_cpu_init();
  const bool avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  const auto request = openblas_kernels_to_request(std::getenv("OPENBLAS_CORETYPE"),
                                                   loaded_openblas_core(), avx2_fma, avx512);
  if (request.empty()) return;
  setenv("OPENBLAS_CORETYPE", request.c_str(), 1);
  execv("/proc/self/exe", argv);
  // Still here: this execution keeps the fallback kernels; the variable stays set for children.
  logger()->warn("OpenBLAS runs its generic kernels; restarting with OPENBLAS_CORETYPE={} failed",
                 request);
}

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
