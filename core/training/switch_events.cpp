#include "training/switch_events.h"

#include <cstdlib>
#include <string>

#include "util/format.h"

namespace moelab {

namespace {

struct SwitchField {
  const char* name;
  std::string (*show)(const FixSwitches&);
  void (*set)(FixSwitches&, const std::string&);
};

std::string on_off(bool on) { return on ? "on" : "off"; }
bool is_on(const std::string& text) { return text == "on"; }

const std::vector<SwitchField>& switch_fields() {
  static const std::vector<SwitchField> fields = {
      {"projection_fix", [](const FixSwitches& f) { return on_off(f.projection_fix); },
       [](FixSwitches& f, const std::string& v) { f.projection_fix = is_on(v); }},
      {"cooldown", [](const FixSwitches& f) { return on_off(f.cooldown); },
       [](FixSwitches& f, const std::string& v) { f.cooldown = is_on(v); }},
      {"cooldown_epochs", [](const FixSwitches& f) { return std::to_string(f.cooldown_epochs); },
       [](FixSwitches& f, const std::string& v) { f.cooldown_epochs = std::atoi(v.c_str()); }},
      {"entropy_loss", [](const FixSwitches& f) { return on_off(f.entropy_loss); },
       [](FixSwitches& f, const std::string& v) { f.entropy_loss = is_on(v); }},
      {"entropy_weight", [](const FixSwitches& f) { return format_number(f.entropy_weight, 4); },
       [](FixSwitches& f, const std::string& v) { f.entropy_weight = std::strtod(v.c_str(), nullptr); }},
  };
  return fields;
}

}  // namespace

std::vector<SwitchEvent> diff_switches(const FixSwitches& from, const FixSwitches& to) {
  std::vector<SwitchEvent> events;
  for (const auto& field : switch_fields()) {
    auto before = field.show(from);
    auto after = field.show(to);
    if (before != after) events.push_back({0, 0, field.name, std::move(before), std::move(after)});
  }
  return events;
}

FixSwitches apply_switch_event(FixSwitches fixes, const SwitchEvent& event) {
  for (const auto& field : switch_fields()) {
    if (event.name == field.name) field.set(fixes, event.to);
  }
  return fixes;
}

}  // namespace moelab
