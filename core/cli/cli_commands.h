#pragma once
// What moelab-cli does once its flags are parsed: one run, or an ablation grid.

#include <ostream>

#include "cli/cli_options.h"

namespace moelab {

class SignalWatcher;

// Trains one run into its folder as it goes: a new run (options.out_dir), a continued one
// (options.resume_dir) or a fork (options.fork). Returns the process exit code. `signals` may be
// null; when given, its first signal stops the run after the current step (exit 128 + signal).
int run_training_command(const CliOptions& options, std::ostream& progress,
                         SignalWatcher* signals = nullptr);

// Runs options.arms x options.seed_count, each run a folder DIR/<code>/seed-<n> kept as it goes,
// skipping runs a previous call finished and continuing interrupted ones; then rebuilds
// DIR/summary.{json,csv,md} and DIR/comparison.json from the run folders and prints the Markdown
// table to `table`.
int run_ablation_command(const CliOptions& options, std::ostream& table, std::ostream& progress,
                         SignalWatcher* signals = nullptr);

}  // namespace moelab
