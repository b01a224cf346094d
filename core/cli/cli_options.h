#pragma once
// The headless runner's command line, parsed into a RunConfig. Lives in the core so that tests
// can check every flag without starting a process.

#include <stdexcept>
#include <string>
#include <vector>

#include "config/run_config.h"

namespace moelab {

class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CliOptions {
  RunConfig config;
  // `moelab-cli ablate ...`: the same grid as the window's comparison mode, headless.
  bool ablate = false;
  std::string arms = "grid";
  int seed_count = 5;   // seeds config.training.seed, +1, ...
  int jobs = 0;         // runs at once; 0 = one per core
  std::string out_dir = "moelab-run";
  std::string log_level = "warn";
  bool quiet = false;      // no progress lines
  bool show_help = false;
  bool show_version = false;
};

// args excludes the program name; an optional first word `ablate` selects the ablation mode.
// --config FILE is applied first, then --preset, then every other flag on top, whatever their
// order. Throws CliError (or ConfigError for the file) with one clear sentence.
CliOptions parse_cli_options(const std::vector<std::string>& args);

std::string cli_usage();

}  // namespace moelab
