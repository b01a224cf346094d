#pragma once
// The lab's named, thread-safe spdlog logger.

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace moelab {

std::shared_ptr<spdlog::logger> logger();

// "trace", "debug", "info", "warn", "error", "off"; throws std::invalid_argument otherwise.
void set_log_level(const std::string& level);
// Throws what set_log_level() would, without changing anything: for parsers.
void check_log_level(const std::string& level);

}  // namespace moelab
