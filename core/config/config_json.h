#pragma once
// The experiment file: a RunConfig as JSON. The CLI's --config and the window's open/save use
// this one format. Unknown keys are refused, so a typo never silently runs the default.

#include <stdexcept>
#include <string>

#include "config/run_config.h"

namespace moelab {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string config_to_json(const RunConfig& config);

// Missing keys keep `base`'s values. Throws ConfigError naming `source` and the bad key.
RunConfig config_from_json(const std::string& text, const std::string& source,
                           const RunConfig& base = {});
RunConfig load_config_file(const std::string& path, const RunConfig& base = {});

}  // namespace moelab
