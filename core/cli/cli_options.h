#pragma once
// The headless runner's command line, parsed into a RunConfig. Lives in the core so that tests
// can check every flag without starting a process.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ablation/ablation_plan.h"
#include "ablation/grid_shard.h"
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
  std::vector<Variation> variations;  // --vary KEY=V1,V2,...: crossed with the arms
  int seed_count = 5;   // seeds config.training.seed, +1, ...
  int jobs = 0;         // runs at once; 0 = one per usable CPU
  bool list = false;    // ablate --list: print one command per run the grid lacks, run nothing
  std::optional<GridShard> shard;  // ablate --shard I/N|slurm: run that slice only, no summary
  // `moelab-cli summarize DIR`: the grid's summary from its run folders.
  bool summarize = false;
  std::string summarize_dir;
  std::string out_dir = "moelab-run";
  // Run folders kept as the run goes (io/run_folder.h).
  bool force = false;          // --force: replace the run a folder holds
  std::string resume_dir;      // --resume DIR: continue the unfinished run in DIR
  int checkpoint_every = 1;    // --checkpoint-every N epochs (0: only at splits and at the end)
  // `moelab-cli fork DIR --at-epoch N [settings] --out NEW`: DIR's config.json is the base.
  bool fork = false;
  std::string fork_parent;
  int fork_epoch = -1;
  std::string log_level = "warn";
  bool quiet = false;      // no progress lines
  bool show_help = false;
  bool show_version = false;
};

// args excludes the program name; the subcommand `ablate` selects the ablation mode, `summarize`
// the summary of a grid folder, `fork DIR` a fork of the run in DIR (its config.json is the base
// the flags change). Flags come
// from the setting catalog (setting_catalog.h); --opt VALUE and --opt=VALUE both work.
// --config FILE is applied first, then --preset, then every other flag on top, whatever their
// order. Throws CliError (or ConfigError for the file) with one clear sentence: both are usage
// errors (exit status 2).
CliOptions parse_cli_options(const std::vector<std::string>& args);

std::string cli_usage();

}  // namespace moelab
