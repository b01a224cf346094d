#pragma once
// What moelab-cli does once its flags are parsed: one run (the grid commands are in
// grid_commands.h).

#include <ostream>

#include "cli/cli_options.h"

namespace moelab {

class SignalWatcher;

// Trains one run into its folder as it goes: a new run (options.out_dir), a continued one
// (options.resume_dir) or a fork (options.fork). Returns the process exit code. `signals` may be
// null; when given, its first signal stops the run after the current step (exit 128 + signal).
int run_training_command(const CliOptions& options, std::ostream& progress,
                         SignalWatcher* signals = nullptr);

}  // namespace moelab
