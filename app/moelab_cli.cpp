// moelab-cli: the lab's engine without a display. Parses flags, trains, writes the run's files.

#include <exception>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/cli_options.h"
#include "cli/signal_watcher.h"
#include "config/config_json.h"
#include "io/durable_run.h"
#include "util/blas_check.h"
#include "util/logging.h"

namespace {

// The exit status rule both programs follow (the README's "Exit status").
constexpr int kRuntimeError = 1;
constexpr int kUsageError = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace moelab;
  // Before LibTorch or anything else starts a thread: the signals go to the watcher only.
  SignalWatcher::block_signals();
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
    return options.ablate ? run_ablation_command(options, std::cout, std::cerr, &signals)
                          : run_training_command(options, std::cerr, &signals);
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
