// moelab-cli: the lab's engine without a display. Parses flags, trains, writes the run's files.

#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/cli_options.h"
#include "cli/progress_printer.h"
#include "data/dataset_loader.h"
#include "io/run_writer.h"
#include "training/trainer.h"
#include "util/blas_check.h"
#include "util/logging.h"

int main(int argc, char** argv) {
  using namespace moelab;
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
    auto data = load_dataset(options.config.data, options.config.training.seed);
    ProgressPrinter progress(std::cerr, options.quiet);
    Trainer trainer(options.config, std::move(data), &progress);
    const auto result = trainer.run();
    write_run_outputs(options.out_dir, result);
    if (!options.quiet && result.report) {
      std::cerr << "verdict " << result.report->verdict() << ", files in " << options.out_dir
                << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "moelab-cli: " << e.what() << "\n";
    return 2;
  }
}
