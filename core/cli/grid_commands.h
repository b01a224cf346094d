#pragma once
// moelab-cli's grid commands: `ablate` (the whole grid, a shard of it, or the list of its runs as
// commands) and `summarize DIR`. A grid lives in a folder (ablation/grid_folder.h), so any mix of
// processes, machines and resubmissions gives the summary one `ablate` call writes.

#include <ostream>
#include <string>

#include "cli/cli_options.h"

namespace moelab {

class SignalWatcher;

// options.list: prints one moelab-cli command per run the grid still lacks (`program` is how
// they call moelab-cli). options.shard: runs that slice's unfinished runs, no summary. Otherwise
// runs every unfinished run, then writes and prints the summary. Returns the exit status.
// Each run is a folder kept as it trains (ablation/ablation_folders.h): the same command again
// skips finished runs and continues interrupted ones. `signals` may be null; its first signal
// stops the grid's runs after their current step (exit 128 + signal).
int run_ablation_command(const CliOptions& options, const std::string& program, std::ostream& out,
                         std::ostream& progress, SignalWatcher* signals = nullptr);

// Writes DIR/summary.json, .csv, .md from the run folders and prints the Markdown table. Exit 1
// (after writing what is there) when runs are missing.
int run_summarize_command(const CliOptions& options, std::ostream& out, std::ostream& progress);

}  // namespace moelab
