#include "training/switch_events.h"

#include <cstdlib>
#include <string>

#include "config/setting_catalog.h"
#include "util/format.h"

namespace moelab {

namespace {

// An expert's name from its index as events.csv writes it.
std::string expert_named(const std::string& index) { return "e" + index; }

struct SwitchField {
  const char* name;
  const char* key;  // the setting in the catalog
  std::string (*show)(const FixSwitches&);
  void (*set)(FixSwitches&, const std::string&);
};

std::string on_off(bool on) { return on ? "on" : "off"; }
bool is_on(const std::string& text) { return text == "on"; }

const std::vector<SwitchField>& switch_fields() {
  static const std::vector<SwitchField> fields = {
      {"projection_fix", "fixes.projection_fix",
       [](const FixSwitches& f) { return on_off(f.projection_fix); },
       [](FixSwitches& f, const std::string& v) { f.projection_fix = is_on(v); }},
      {"cooldown", "fixes.cooldown", [](const FixSwitches& f) { return on_off(f.cooldown); },
       [](FixSwitches& f, const std::string& v) { f.cooldown = is_on(v); }},
      {"cooldown_epochs", "fixes.cooldown_epochs",
       [](const FixSwitches& f) { return std::to_string(f.cooldown_epochs); },
       [](FixSwitches& f, const std::string& v) { f.cooldown_epochs = std::atoi(v.c_str()); }},
      {"entropy_loss", "fixes.entropy_loss",
       [](const FixSwitches& f) { return on_off(f.entropy_loss); },
       [](FixSwitches& f, const std::string& v) { f.entropy_loss = is_on(v); }},
      {"entropy_weight", "fixes.entropy_weight",
       [](const FixSwitches& f) { return format_number(f.entropy_weight, 4); },
       [](FixSwitches& f, const std::string& v) {
         f.entropy_weight = std::strtod(v.c_str(), nullptr);
       }},
  };
  return fields;
}

// A number as events.csv writes it, for a reader: "0.1000" -> "0.1". Anything else as it is.
std::string readable(std::string value) {
  const bool decimal = value.find('.') != std::string::npos &&
                       value.find_first_not_of("-0123456789.") == std::string::npos;
  if (!decimal) return value;
  value.erase(value.find_last_not_of('0') + 1);
  if (value.back() == '.') value.pop_back();
  return value;
}

// The catalog's setting an event changes; nullptr for a name it does not know.
const Setting* setting_of(const std::string& name) {
  for (const auto& field : switch_fields()) {
    if (name == field.name) return find_setting(field.key);
  }
  if (name == kLearningRateEvent) return find_setting("training.learning_rate");
  return nullptr;
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

std::string describe_switch_event(const SwitchEvent& event) {
  // events.csv writes a prune as `from` the expert, `to` "removed"; a revival `to` "copy of N".
  if (event.name == kPruneEvent) return "Pruned dormant " + expert_named(event.from);
  if (event.name == kReviveEvent) {
    const std::string copy_of = "copy of ";
    const bool names_source = event.to.rfind(copy_of, 0) == 0;
    return "Revived dormant " + expert_named(event.from) +
           (names_source ? " as a copy of " + expert_named(event.to.substr(copy_of.size())) : "");
  }
  const Setting* s = setting_of(event.name);
  if (s == nullptr) return event.name + " " + event.from + " -> " + event.to;
  // A switch is on or off: its new state says it all.
  if (s->type == SettingType::Boolean) return s->label + " " + event.to;
  return s->label + " " + readable(event.from) + " -> " + readable(event.to);
}

std::optional<int> pruned_expert(const SwitchEvent& event) {
  if (event.name != kPruneEvent) return std::nullopt;
  char* end = nullptr;
  const long index = std::strtol(event.from.c_str(), &end, 10);
  if (event.from.empty() || *end != '\0' || index < 0 || index > 1 << 20) return std::nullopt;
  return static_cast<int>(index);
}

std::string expert_name(int expert) { return expert_named(std::to_string(expert)); }

std::string describe_split_event(const SplitEvent& split) {
  return "split " + expert_name(split.parent) + " -> " + expert_name(split.child);
}

}  // namespace moelab
