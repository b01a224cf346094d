#include "util/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <stdexcept>

namespace moelab {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = [] {
    auto created = spdlog::stderr_color_mt("moelab");
    created->set_pattern("[%H:%M:%S.%e] [%^%l%$] [thread %t] %v");
    created->set_level(spdlog::level::warn);
    return created;
  }();
  return instance;
}

void check_log_level(const std::string& level) {
  // from_str maps anything unknown to "off"; only the word "off" itself may mean that.
  if (spdlog::level::from_str(level) == spdlog::level::off && level != "off") {
    throw std::invalid_argument("unknown log level '" + level +
                                "' (use trace, debug, info, warn, error or off)");
  }
}

void set_log_level(const std::string& level) {
  check_log_level(level);
  logger()->set_level(spdlog::level::from_str(level));
}

}  // namespace moelab
