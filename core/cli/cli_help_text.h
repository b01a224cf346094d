#pragma once
// The texts moelab-cli's --help is made of, beside the options themselves (cli/cli_options.cpp):
// each setting's value type and help with its range, the presets' names and the footer, wrapped
// to fit 100 columns. Generated from the setting catalog, so help says what the parser accepts.

#include <string>

#include "config/setting_catalog.h"

namespace moelab::cli_help {

// The presets' ids as a flag's value type: "collapse|cooldown|...".
std::string presets_list();

// What help prints after the options: experiment files, ablation arms, grids, run folders, exit
// status.
std::string footer();

// The flag's value type as help shows it: N, X, on|off, the choices, TEXT.
std::string type_name(const Setting& s);

// CLI11 prints a description after a 30-column name without wrapping it (it indents the lines
// it is given): wrapped here to fit 100 columns.
std::string wrapped(const std::string& text);

// The setting's help, with its range for a number, wrapped.
std::string help_text(const Setting& s);

}  // namespace moelab::cli_help
