#include "ablation/arm_json.h"

#include <set>
#include <stdexcept>

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

Arm arm_from(const Json& entry, const FixSwitches& base) {
  if (entry.is_string()) return parse_arms(entry.get<std::string>(), base).at(0);
  if (!entry.is_object() || !entry.contains("switches") || !entry["switches"].is_string() ||
      !entry.contains("settings") || !entry["settings"].is_array()) {
    throw std::invalid_argument("an arm must be a code such as \"PcE\" or an object with "
                                "\"switches\" and \"settings\"");
  }
  Arm arm = parse_arms(entry["switches"].get<std::string>(), base).at(0);
  for (const auto& s : entry["settings"]) {
    if (!s.is_object() || !s.contains("key") || !s["key"].is_string() || !s.contains("value") ||
        !s["value"].is_string()) {
      throw std::invalid_argument("an arm's setting must be {\"key\": ..., \"value\": ...}");
    }
    arm = with_setting(std::move(arm),
                       arm_setting(s["key"].get<std::string>(), s["value"].get<std::string>()));
  }
  return arm;
}

}  // namespace

Json arms_to_json(const std::vector<Arm>& arms) {
  Json json = Json::array();
  for (const auto& arm : arms) {
    if (arm.settings.empty()) {
      json.push_back(arm_code(arm.fixes));
      continue;
    }
    Json settings = Json::array();
    for (const auto& s : arm.settings) settings.push_back({{"key", s.key}, {"value", s.value}});
    json.push_back({{"switches", arm_code(arm.fixes)}, {"settings", settings}});
  }
  return json;
}

std::vector<Arm> arms_from_json(const Json& json, const FixSwitches& base) {
  if (!json.is_array()) throw std::invalid_argument("the arms must be a list");
  std::vector<Arm> arms;
  std::set<std::string> ids;
  for (const auto& entry : json) {
    arms.push_back(arm_from(entry, base));
    if (!ids.insert(arm_id(arms.back())).second) {
      throw std::invalid_argument("arm '" + arm_id(arms.back()) + "' is given twice");
    }
  }
  if (arms.empty()) throw std::invalid_argument("there are no arms");
  return arms;
}

}  // namespace moelab
