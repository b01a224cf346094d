#include "cli/cli_commands.h"

#include "cli/progress_printer.h"
#include "cli/signal_watcher.h"
#include "data/dataset_loader.h"
#include "io/durable_run.h"
#include "training/run_resources.h"
#include "util/error_sentence.h"
#include "util/format.h"

namespace moelab {

namespace {

int train(const CliOptions& options, std::ostream& progress, SignalWatcher* signals) {
  DurableRunOptions folder;
  folder.checkpoint_every = options.checkpoint_every;
  std::optional<ForkRequest> fork;
  RunConfig config = options.config;
  if (!options.resume_dir.empty()) {
    folder.dir = options.resume_dir;
    folder.mode = FolderMode::Continue;
  } else {
    folder.dir = options.out_dir;
    folder.mode = options.force ? FolderMode::Replace : FolderMode::New;
    if (options.fork) {
      config = fork_config(options.fork_parent, options.fork_epoch, options.config);
      fork = ForkRequest{options.fork_parent, options.fork_epoch};
    }
    // Before the folder is made: a run that cannot fit leaves nothing to clear away.
    require_resources_before_loading(config);
  }
  DurableRun run(folder, config, fork);
  if (folder.mode == FolderMode::Continue) require_resources_before_loading(run.config());
  auto data = load_dataset(run.config().data, run.config().training.seed);
  ProgressPrinter printer(progress, options.quiet);
  TrainingControl control(run.config().fixes);
  if (signals) signals->on_first_signal([&control] { control.request_stop(); });
  const auto result = run.run(std::move(data), &printer, &control);
  if (signals) signals->on_first_signal({});
  if (result.stopped) {
    // Said even with --quiet: the run did not end.
    progress << "moelab-cli: interrupted after epoch " << result.epochs.size()
             << "; continue with: moelab-cli --resume " << run.dir() << "\n";
    return interrupted_exit_code(signals);
  }
  if (!result.diverged.empty()) {
    // Said even with --quiet: the run did not do what was asked.
    progress << "moelab-cli: training diverged: " << result.diverged << "; NO-GO report in "
             << run.dir() << "\n";
    return 1;
  }
  if (!options.quiet && result.report) {
    progress << "verdict " << result.report->verdict() << ", test " << percent(result.test_accuracy)
             << " vs seed " << percent(result.seed_test_accuracy) << ", files in " << run.dir()
             << "\n";
  }
  return 0;
}

}  // namespace

int run_training_command(const CliOptions& options, std::ostream& progress,
                         SignalWatcher* signals) {
  return with_engine_errors([&] { return train(options, progress, signals); });
}

}  // namespace moelab
