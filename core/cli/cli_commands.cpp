#include "cli/cli_commands.h"

#include "cli/progress_printer.h"
#include "data/dataset_loader.h"
#include "io/run_writer.h"
#include "training/run_resources.h"
#include "training/trainer.h"
#include "util/error_sentence.h"
#include "util/format.h"

namespace moelab {

namespace {

int train(const CliOptions& options, std::ostream& progress) {
  require_resources_before_loading(options.config);
  auto data = load_dataset(options.config.data, options.config.training.seed);
  ProgressPrinter printer(progress, options.quiet);
  Trainer trainer(options.config, std::move(data), &printer);
  const auto result = trainer.run();
  write_run_outputs(options.out_dir, result);
  if (!result.diverged.empty()) {
    // Said even with --quiet: the run did not do what was asked.
    progress << "moelab-cli: training diverged: " << result.diverged << "; NO-GO report in "
             << options.out_dir << "\n";
    return 1;
  }
  if (!options.quiet && result.report) {
    progress << "verdict " << result.report->verdict() << ", test " << percent(result.test_accuracy)
             << " vs seed " << percent(result.seed_test_accuracy) << ", files in "
             << options.out_dir << "\n";
  }
  return 0;
}

}  // namespace

int run_training_command(const CliOptions& options, std::ostream& progress) {
  return with_engine_errors([&] { return train(options, progress); });
}

}  // namespace moelab
