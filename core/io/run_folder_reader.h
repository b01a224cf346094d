#pragma once
// A run folder read back: its settings, the rows of its CSV files and its report. What summaries
// and comparisons are rebuilt from, so that what they show is what the folders hold. Figures come
// from the files as written (metrics.csv to six decimals; report.json exact).

#include <string>

#include "io/run_status.h"
#include "training/run_result.h"

namespace moelab {

struct RunFolderContents {
  RunStatus status;
  RunResult result;  // config, epochs (no routing matrix), splits, switches, report if any
};

// Throws FileError (or ConfigError for config.json) naming the file that cannot be read.
RunFolderContents read_run_folder(const std::string& dir);

}  // namespace moelab
