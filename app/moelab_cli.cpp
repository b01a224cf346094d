// moelab-cli: the lab's engine without a display. Parses flags, trains, writes the run's files.

#include <exception>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/cli_options.h"
#include "util/blas_check.h"
#include "util/logging.h"
#include "util/openblas_kernels.h"

int main(int argc, char** argv) {
  using namespace moelab;
  // First, before any product: the kernels every matrix product of this process runs on.
  const auto kernels = choose_openblas_kernels();
  try {
    const auto options = parse_cli_options({argv + 1, argv + argc});
    if (options.show_help) {
      std::cout << cli_usage();
      return 0;
    }
    if (options.show_version) {
      std::cout << "moelab-cli " << MOELAB_VERSION << "\n";
      return 0;
    }
    set_log_level(options.log_level);
    warn_if_reference_blas();
    if (!report_kernel_choice(kernels)) return 1;
    return options.ablate ? run_ablation_command(options, std::cout, std::cerr)
                          : run_training_command(options, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "moelab-cli: " << e.what() << "\n";
    return 2;
  }
}
