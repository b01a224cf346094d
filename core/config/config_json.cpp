#include "config/config_json.h"

#include "config/setting_catalog.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "io/input_file.h"

#include "config/schedule_json.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

// The keys' first parts in catalog order ("data", "data.synthetic", ...): the file's sections.
Json to_json_object(const RunConfig& config) {
  Json root = Json::object();
  for (const auto& s : setting_catalog()) {
    std::string path;
    for (char ch : s.key) path += ch == '.' ? '/' : ch;
    auto& slot = root[Json::json_pointer("/" + path)];
    const auto value = s.get(config);
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
      slot = *i;
    } else if (const auto* d = std::get_if<double>(&value)) {
      slot = *d;
    } else if (const auto* b = std::get_if<bool>(&value)) {
      slot = *b;
    } else {
      slot = std::get<std::string>(value);
    }
  }
  return root;
}

std::string as_written(const Json& value) { return quoted_as_written(value.dump()); }

// One JSON leaf as the setting's type: integers must be integers (no silent narrowing), reals
// numbers, switches true or false, names and text strings.
SettingValue json_value(const Setting& s, const Json& value) {
  switch (s.type) {
    case SettingType::Integer:
      // Integers past 64 bits arrive as doubles: out of range, not "not an integer".
      if (value.is_number_float() && std::abs(value.get<double>()) >= std::ldexp(1.0, 63)) {
        throw std::invalid_argument(as_written(value) + " is outside " + describe_range(s));
      }
      if (!value.is_number_integer()) {
        throw std::invalid_argument(as_written(value) + " is not an integer");
      }
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(s.integer_maximum)) {
        throw std::invalid_argument(as_written(value) + " is outside " + describe_range(s));
      }
      return value.get<std::int64_t>();
    case SettingType::Real:
      if (!value.is_number()) throw std::invalid_argument(as_written(value) + " is not a number");
      return value.get<double>();
    case SettingType::Boolean:
      if (!value.is_boolean()) {
        throw std::invalid_argument(as_written(value) + " must be true or false");
      }
      return value.get<bool>();
    case SettingType::Choice:
    case SettingType::Text:
      if (!value.is_string()) throw std::invalid_argument(as_written(value) + " is not a string");
      return value.get<std::string>();
  }
  return {};
}

// Walks the file's objects; every leaf must be a setting of the catalog, every object a section
// some setting lives in.
class SettingsReader {
 public:
  SettingsReader(const std::string& source, RunConfig& config) : source_(source), config_(config) {}

  void read(const Json& object, const std::string& path) {
    if (!object.is_object()) fail(path.empty() ? "the top level" : path, "must be an object");
    for (const auto& item : object.items()) {
      const std::string key = path.empty() ? item.key() : path + "." + item.key();
      if (const auto* s = find_setting(key)) {
        read_leaf(*s, item.value());
      } else if (is_section(key)) {
        read(item.value(), key);
      } else {
        fail(key, "is not a known setting");
      }
    }
  }

 private:
  static bool is_section(const std::string& key) {
    for (const auto& s : setting_catalog()) {
      if (s.key.size() > key.size() && s.key.compare(0, key.size(), key) == 0 &&
          s.key[key.size()] == '.') {
        return true;
      }
    }
    return false;
  }

  void read_leaf(const Setting& s, const Json& value) {
    try {
      const auto v = json_value(s, value);
      check_setting_value(s, v);
      s.set(config_, v);
    } catch (const std::invalid_argument& e) {
      fail(s.key, std::string(": ") + e.what());
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    const bool joined = !problem.empty() && problem.front() == ':';
    throw ConfigError(source_ + ": " + key + (joined ? "" : " ") + problem);
  }

  const std::string& source_;
  RunConfig& config_;
};

// nlohmann's messages start with "[json.exception.parse_error.101] "; the reader needs the rest.
std::string without_library_prefix(const std::string& message) {
  const auto close = message.find("] ");
  return close == std::string::npos ? message : message.substr(close + 2);
}

}  // namespace

std::string config_to_json(const RunConfig& config) {
  auto top = to_json_object(config);
  add_schedule_keys(top, config);
  return top.dump(2) + "\n";
}

RunConfig config_from_json(const std::string& text, const std::string& source,
                           const RunConfig& base) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(source + ": not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception& e) {
    // A number too large for a double, for one.
    throw ConfigError(source + ": not valid JSON: " + without_library_prefix(e.what()));
  }
  RunConfig config = base;
  // The schedule and the fork origin are not settings: schedule_json.h reads them.
  Json settings = j;
  if (settings.is_object()) {
    settings.erase(kScheduleKey);
    settings.erase(kForkKey);
  }
  SettingsReader(source, config).read(settings, "");
  read_schedule_keys(j, source, config);
  try {
    validate(config);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source + ": " + e.what());
  }
  return config;
}

RunConfig load_config_file(const std::string& path, const RunConfig& base) {
  constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = InputFile(path, "the experiment file").read_all(kMaxConfigBytes);
  } catch (const InputFileError& e) {
    throw ConfigError(e.what());
  }
  if (bytes.empty()) {
    throw ConfigError(path + ": the file is empty (expected an experiment in JSON)");
  }
  return config_from_json(std::string(bytes.begin(), bytes.end()), path, base);
}

}  // namespace moelab
