#include "util/openblas_kernels.h"

#include <dlfcn.h>
#include <strings.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "util/format.h"
#include "util/logging.h"

namespace moelab {

namespace {

// OpenBLAS's kernel sets that use AVX2 and FMA or wider (its OPENBLAS_CORETYPE names). Every
// other set on an AVX2 CPU leaves half or more of each vector unit idle.
constexpr std::array<const char*, 6> kAvx2KernelSets = {
    "Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"};

bool same_name(const std::string& a, const char* b) { return strcasecmp(a.c_str(), b) == 0; }

// OPENBLAS_CORETYPE while the library re-initialises, then the variable as it was: a child
// process must not inherit the lab's choice.
class ScopedCoretype {
 public:
  explicit ScopedCoretype(const std::string& name) {
    if (const char* value = std::getenv(kVariable)) saved_ = value;
    setenv(kVariable, name.c_str(), 1);
  }
  ~ScopedCoretype() {
    if (saved_) {
      setenv(kVariable, saved_->c_str(), 1);
    } else {
      unsetenv(kVariable);
    }
  }
  ScopedCoretype(const ScopedCoretype&) = delete;
  ScopedCoretype& operator=(const ScopedCoretype&) = delete;

 private:
  static constexpr const char* kVariable = "OPENBLAS_CORETYPE";
  std::optional<std::string> saved_;
};

bool opted_out() {
  const char* keep = std::getenv(kKeepOpenblasKernelsVariable);
  return keep != nullptr && *keep != '\0' && std::strcmp(keep, "0") != 0;
}

SgemmCheck run_check(const std::function<SgemmCheck()>& check) {
  try {
    return check ? check() : check_sgemm_products();
  } catch (const std::exception& e) {
    SgemmCheck failed;
    failed.passed = false;
    failed.worst = e.what();
    return failed;
  }
}

std::string check_text(const SgemmCheck& check) {
  return check.worst + " (" + format_number(check.worst_ratio, 1) + " times the rounding bound)";
}

}  // namespace

bool cpu_has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}

const char* openblas_kernels_for_cpu(const std::string& current, bool has_avx2_fma,
                                     bool has_avx512) {
  if (current.empty() || !has_avx2_fma) return "";
  for (const char* modern : kAvx2KernelSets) {
    if (same_name(current, modern)) return "";
  }
  return has_avx512 ? "SkylakeX" : "Haswell";
}

std::string openblas_kernels() {
  using CoreName = char* (*)();
  auto* name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* core = name ? name() : nullptr;
  return core ? core : "";
}

// OpenBLAS built for several CPUs (DYNAMIC_ARCH, as Debian builds it) chooses its kernels in
// gotoblas_dynamic_init() from OPENBLAS_CORETYPE, else from the CPU model, and
// gotoblas_dynamic_quit() forgets the choice; both are exported. Choosing again is what the
// library does when it loads, with the variable set: the same state as starting with it.
bool switch_openblas_kernels(const std::string& name) {
  using Hook = void (*)();
  auto* quit = reinterpret_cast<Hook>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit"));
  auto* init = reinterpret_cast<Hook>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init"));
  if (quit == nullptr || init == nullptr || name.empty()) return false;
  const std::string before = openblas_kernels();
  {
    ScopedCoretype coretype(name);
    quit();
    init();
  }
  if (same_name(openblas_kernels(), name.c_str())) return true;
  // An unknown name left OpenBLAS on a fallback of its own: restore the previous choice.
  if (!before.empty() && !same_name(before, name.c_str())) {
    ScopedCoretype coretype(before);
    quit();
    init();
  }
  return false;
}

KernelChoice choose_openblas_kernels(const std::function<SgemmCheck()>& check) {
  KernelChoice choice;
  choice.openblas_choice = choice.kernels = openblas_kernels();
  const bool avx2 = cpu_has_avx2_fma(), avx512 = cpu_has_avx512();
  const std::string target = openblas_kernels_for_cpu(choice.openblas_choice, avx2, avx512);
  const char* user = std::getenv("OPENBLAS_CORETYPE");
  if (choice.openblas_choice.empty()) {
    choice.reason = "the BLAS is not OpenBLAS: its own kernels";
  } else if (user != nullptr) {
    choice.reason = "OpenBLAS's " + choice.kernels + " kernels, as OPENBLAS_CORETYPE asks";
    if (!target.empty()) {
      choice.warning = "OPENBLAS_CORETYPE=" + std::string(user) + " keeps OpenBLAS on its " +
                       choice.kernels +
                       " kernels, older than this CPU's vector units: matrix "
                       "products will be several times slower (unset it to use " +
                       target + ")";
    }
  } else if (opted_out()) {
    choice.reason = "OpenBLAS's own " + choice.kernels + " kernels, as " +
                    kKeepOpenblasKernelsVariable + " asks";
  } else if (target.empty()) {
    choice.reason = "OpenBLAS's own " + choice.kernels + " kernels suit this CPU";
  } else if (switch_openblas_kernels(target)) {
    choice.switched = true;
    choice.kernels = openblas_kernels();
    choice.reason = "OpenBLAS chose its " + choice.openblas_choice + " kernels on a CPU with " +
                    (avx512 ? "AVX-512" : "AVX2") + ": switched to " + choice.kernels;
  } else {
    choice.reason = "OpenBLAS's own " + choice.kernels + " kernels (this OpenBLAS cannot switch)";
  }

  if (!choice.switched) return choice;  // OpenBLAS's own choice: the test suite checks it
  SgemmCheck products = run_check(check);
  choice.checked = true;
  if (products.passed) return choice;
  choice.warning = "OpenBLAS's " + choice.kernels +
                   " kernels computed a wrong product: " + check_text(products) +
                   "; back to its own " + choice.openblas_choice + " kernels, several times slower";
  switch_openblas_kernels(choice.openblas_choice);
  choice.switched = false;
  choice.kernels = openblas_kernels();
  products = run_check(check);
  if (!products.passed) {
    choice.products_correct = false;
    choice.warning = "the BLAS computes wrong matrix products on this CPU (OpenBLAS's " +
                     choice.kernels + " kernels): " + check_text(products) +
                     "; set OPENBLAS_CORETYPE to a kernel set this CPU runs correctly";
  }
  return choice;
}

bool report_kernel_choice(const KernelChoice& choice) {
  if (!choice.products_correct) {
    logger()->error("{}", choice.warning);
  } else if (!choice.warning.empty()) {
    logger()->warn("{}", choice.warning);
  }
  logger()->debug("BLAS kernels: {}", choice.reason);
  return choice.products_correct;
}

}  // namespace moelab
