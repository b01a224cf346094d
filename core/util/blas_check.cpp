#include "util/blas_check.h"

#include <dlfcn.h>
#include <link.h>

#include <filesystem>

#include "util/logging.h"
#include "util/openblas_kernels.h"

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

}  // namespace

BlasInfo detect_blas() {
  BlasInfo info;
  dl_iterate_phdr(collect_blas, &info.library);
  for (const char* marker : {"openblas", "blis", "mkl"}) {
    if (info.library.find(marker) != std::string::npos) info.optimised = true;
  }
  info.openblas_core = openblas_kernels();
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
