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
  std::string out_dir = "moelab-run";
  std::string log_level = "warn";
  bool quiet = false;      // no progress lines
  bool show_help = false;
  bool show_version = false;
};

// args excludes the program name. --config FILE is applied first, then every other flag on top,
// whatever their order. Throws CliError (or ConfigError for the file) with one clear sentence.
CliOptions parse_cli_options(const std::vector<std::string>& args);

std::string cli_usage();

}  // namespace moelab
