#include "config/schedule.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "config/config_json.h"
#include "config/run_config.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

// The experiment file's fixes object of `fixes`, as the file writes it.
Json fixes_object(const FixSwitches& fixes) {
  RunConfig config;
  config.fixes = fixes;
  return Json::parse(config_to_json(config))["fixes"];
}

std::string entry_name(std::size_t index) { return "schedule[" + std::to_string(index) + "]"; }

}  // namespace

FixSwitches apply_fixes_patch(const FixSwitches& current, const std::string& patch,
                              const std::string& source) {
  // The experiment file's own reader reads the partial object, so a schedule accepts exactly the
  // keys, types and ranges the "fixes" section does.
  RunConfig base;
  base.fixes = current;
  try {
    return config_from_json("{\"fixes\": " + patch + "}", source, base).fixes;
  } catch (const ConfigError& e) {
    throw std::invalid_argument(e.what());
  }
}

std::string fixes_patch(const FixSwitches& from, const FixSwitches& to) {
  const Json before = fixes_object(from);
  const Json after = fixes_object(to);
  Json patch = Json::object();
  for (const auto& [key, value] : after.items()) {
    if (before[key] != value) patch[key] = value;
  }
  return patch.dump();
}

Schedule in_time_order(Schedule schedule) {
  std::stable_sort(schedule.begin(), schedule.end(), [](const ScheduleEntry& a, const ScheduleEntry& b) {
    if (a.epoch != b.epoch) return a.epoch < b.epoch;
    return a.step.value_or(0) < b.step.value_or(0);
  });
  return schedule;
}

void validate_schedule(const RunConfig& config) {
  const int epochs = config.training.seed_epochs + config.training.growth_epochs;
  for (std::size_t i = 0; i < config.schedule.size(); ++i) {
    const auto& entry = config.schedule[i];
    const auto name = entry_name(i);
    if (entry.epoch < 1 || entry.epoch > epochs) {
      throw std::invalid_argument(name + ".epoch must be 1.." + std::to_string(epochs) +
                                  " (the run's epochs)");
    }
    if (entry.step && *entry.step < 1) throw std::invalid_argument(name + ".step must be positive");
    if (entry.learning_rate && !(*entry.learning_rate > 0 && *entry.learning_rate <= 10)) {
      throw std::invalid_argument(name + ".learning_rate must be in (0, 10]");
    }
    apply_fixes_patch(config.fixes, entry.fixes, name);
  }
}

}  // namespace moelab
