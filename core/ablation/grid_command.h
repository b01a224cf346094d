#pragma once
// One run of a grid as a self-contained moelab-cli command line, for whatever runs commands (GNU
// parallel, a Slurm array, a shell loop): every setting of the run written out, those with a
// flag as --flag=VALUE and the others as --set=KEY=VALUE, and the run's own folder, so that the
// command trains exactly what `ablate` trains for that run.

#include <filesystem>
#include <string>
#include <string_view>

#include "config/run_config.h"

namespace moelab {

std::string run_command_line(const std::string& program, const RunConfig& config,
                             const std::filesystem::path& out);

// `word` as one POSIX shell word: unchanged when every character is safe, else in single quotes.
std::string shell_word(std::string_view word);

}  // namespace moelab
