#pragma once
// What moelab-cli does once its flags are parsed: one run (the grid commands are in
// grid_commands.h).

#include <ostream>

#include "cli/cli_options.h"

namespace moelab {

// Trains one run and writes its files into options.out_dir. Returns the process exit code.
int run_training_command(const CliOptions& options, std::ostream& progress);

}  // namespace moelab
