// moelab-cli: the lab's engine without a display. Parses flags, trains, writes the run's files.

#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/cli_commands.h"
#include "cli/cli_options.h"
#include "cli/grid_commands.h"
#include "cli/signal_watcher.h"
#include "config/config_json.h"
#include "io/durable_run.h"
#include "util/blas_check.h"
#include "util/logging.h"
#include "util/openblas_kernels.h"

namespace {

// The exit status rule both programs follow (the README's "Exit status").
constexpr int kRuntimeError = 1;
constexpr int kUsageError = 2;

// How the commands `ablate --list` prints call this program: as it was called when that was
// through PATH, else by its absolute path (the commands may run in another folder).
std::string program_for_commands(const char* argv0) {
  const std::string called = argv0 ? argv0 : "moelab-cli";
  if (called.find('/') == std::string::npos) return called;
  std::error_code error;
  const auto absolute = std::filesystem::canonical(called, error);
  return error ? called : absolute.string();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace moelab;
  // Before anything else: from here on a signal asks for a clean stop.
  SignalWatcher::install_handlers();
  // Then, before any product: the kernels every matrix product of this process runs on.
  const auto kernels = choose_openblas_kernels();
  SignalWatcher signals;
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
    if (!report_kernel_choice(kernels)) return kRuntimeError;
    if (options.summarize) return run_summarize_command(options, std::cout, std::cerr);
    if (options.ablate) {
      return run_ablation_command(options, program_for_commands(argv[0]), std::cout, std::cerr,
                                  &signals);
    }
    return run_training_command(options, std::cerr, &signals);
  } catch (const CliError& e) {
    std::cerr << "moelab-cli: " << e.what() << "\n";
    return kUsageError;
  } catch (const ConfigError& e) {
    std::cerr << "moelab-cli: " << e.what() << "\n";
    return kUsageError;
  } catch (const ForkError& e) {
    std::cerr << "moelab-cli: " << e.what() << "\n";
    return kUsageError;
  } catch (const std::exception& e) {
    std::cerr << "moelab-cli: " << e.what() << "\n";
    return kRuntimeError;
  }
}
