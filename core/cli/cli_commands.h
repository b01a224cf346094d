#pragma once
// What moelab-cli does once its flags are parsed: one run, or an ablation grid.

#include <ostream>

#include "cli/cli_options.h"

namespace moelab {

// Trains one run and writes its files into options.out_dir. Returns the process exit code.
int run_training_command(const CliOptions& options, std::ostream& progress);

// Runs options.arms x options.seed_count, writes every run's folder (DIR/<code>/seed-<n>),
// DIR/summary.csv and DIR/summary.md, and prints the Markdown table to `table`.
int run_ablation_command(const CliOptions& options, std::ostream& table, std::ostream& progress);

}  // namespace moelab
