#pragma once
// The experiment file's "schedule" and "fork" keys, read and written apart from the settings so
// that the settings' reader stays one list of settings. Used by config_json.cpp only.

#include <nlohmann/json.hpp>
#include <string>

#include "config/run_config.h"

namespace moelab {

// The top-level keys this file reads; the settings' reader leaves them to it.
inline constexpr const char* kScheduleKey = "schedule";
inline constexpr const char* kForkKey = "fork";

// Adds "schedule" (when not empty) and "fork" (when set) to an experiment file's object.
void add_schedule_keys(nlohmann::ordered_json& top, const RunConfig& config);

// Reads "schedule" and "fork" from the file's top-level object into `config` (keys the file does
// not have keep `config`'s). Throws ConfigError naming `source` and the bad key.
void read_schedule_keys(const nlohmann::ordered_json& top, const std::string& source,
                        RunConfig& config);

}  // namespace moelab
