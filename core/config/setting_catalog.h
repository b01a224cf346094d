#pragma once
// Every setting of a run, described once: its key in the experiment file, its command-line flag,
// its type, range, default (RunConfig{}), label and help. The JSON reader and writer, the CLI's
// flags and help, validation and the window's fields are all derived from this one list, so a
// setting cannot be accepted by one of them and refused by another.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/run_config.h"

namespace moelab {

enum class SettingType { Integer, Real, Boolean, Choice, Text };

// Integers as int64 (a seed's range stops at 2^63 - 1 so that every writer and reader, JSON
// included, holds it exactly); choices as their names; text as written.
using SettingValue = std::variant<std::int64_t, double, bool, std::string>;

struct Setting {
  std::string key;    // path in the experiment file, e.g. "training.learning_rate"
  std::string flag;   // e.g. "--lr"; empty when only the file (and a shortcut flag) sets it
  std::string group;  // help section: "Data", "Model", "The three fixes", "Training", "Growth"
  std::string label;  // short name for the window's forms and the event lane
  std::string help;   // one or two sentences
  SettingType type = SettingType::Integer;
  // Numbers: the allowed range. Integers are always inclusive; reals may exclude an end.
  double minimum = 0;
  double maximum = 0;
  bool minimum_open = false;
  bool maximum_open = false;
  std::int64_t integer_minimum = 0;
  std::int64_t integer_maximum = 0;
  std::vector<std::string> choices;  // Choice: the names files and flags use
  std::function<SettingValue(const RunConfig&)> get;
  std::function<void(RunConfig&, const SettingValue&)> set;
};

const std::vector<Setting>& setting_catalog();

// nullptr when no setting has that key.
const Setting* find_setting(std::string_view key);
// Throws std::invalid_argument listing the keys when none matches.
const Setting& setting(std::string_view key);

// A setting named in a message: its key, and its flag when it has one:
// "model.expert_hidden (--expert-hidden)". Throws like setting() for an unknown key.
std::string setting_reference(std::string_view key);

// The range or choices as a reader would write them: "1..8192", "(0, 10]", "seed, preserving",
// "true or false".
std::string describe_range(const Setting& setting);
// The value a flag or a sweep gives as text, checked against the type and range. Throws
// std::invalid_argument with "'TEXT' is ..." (the caller prefixes the flag or key).
SettingValue parse_setting_text(const Setting& setting, std::string_view text);
// Throws std::invalid_argument("VALUE is outside RANGE") when `value` is out of range.
void check_setting_value(const Setting& setting, const SettingValue& value);
// The value as flags and sweeps write it ("0.001", "on", "preserving").
std::string setting_text(const Setting& setting, const RunConfig& config);
std::string value_text(const SettingValue& value);

// `text` as written, cut to a length a message can carry.
std::string quoted_as_written(std::string_view text);

}  // namespace moelab
