#include "config/schedule_json.h"

#include <set>

#include "config/config_json.h"

namespace moelab {

namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& source, const std::string& key, const std::string& problem) {
  throw ConfigError(source + ": " + key + " " + problem);
}

void refuse_unknown_keys(const Json& object, const std::set<std::string>& known,
                         const std::string& source, const std::string& path) {
  for (const auto& item : object.items()) {
    if (!known.count(item.key())) fail(source, path + "." + item.key(), "is not a known key");
  }
}

ScheduleEntry read_entry(const Json& j, const std::string& source, const std::string& path) {
  if (!j.is_object()) fail(source, path, "must be an object like {\"epoch\": 22, \"fixes\": {...}}");
  refuse_unknown_keys(j, {"epoch", "step", "fixes", "learning_rate", "note"}, source, path);
  ScheduleEntry entry;
  const auto epoch = j.find("epoch");
  if (epoch == j.end() || !epoch->is_number_integer()) fail(source, path + ".epoch", "must be an integer");
  if (epoch->get<long long>() < 1 || epoch->get<long long>() > 1000000) {
    fail(source, path + ".epoch", "must be a positive epoch");
  }
  entry.epoch = epoch->get<int>();
  if (const auto step = j.find("step"); step != j.end()) {
    if (!step->is_number_integer() || step->get<long long>() < 1) {
      fail(source, path + ".step", "must be a positive integer");
    }
    entry.step = step->get<std::int64_t>();
  }
  if (const auto fixes = j.find("fixes"); fixes != j.end()) {
    if (!fixes->is_object()) fail(source, path + ".fixes", "must be an object of fixes");
    entry.fixes = fixes->dump();
  }
  if (const auto lr = j.find("learning_rate"); lr != j.end()) {
    if (!lr->is_number()) fail(source, path + ".learning_rate", "must be a number");
    entry.learning_rate = lr->get<double>();
  }
  if (const auto note = j.find("note"); note != j.end()) {
    if (!note->is_string()) fail(source, path + ".note", "must be a string");
    entry.note = note->get<std::string>();
  }
  if (entry.fixes == "{}" && !entry.learning_rate) {
    fail(source, path, "changes nothing (give \"fixes\" or \"learning_rate\")");
  }
  return entry;
}

}  // namespace

void add_schedule_keys(Json& top, const RunConfig& config) {
  if (!config.schedule.empty()) {
    Json schedule = Json::array();
    for (const auto& e : config.schedule) {
      Json entry{{"epoch", e.epoch}};
      if (e.step) entry["step"] = *e.step;
      const Json fixes = Json::parse(e.fixes);
      if (!fixes.empty()) entry["fixes"] = fixes;
      if (e.learning_rate) entry["learning_rate"] = *e.learning_rate;
      if (!e.note.empty()) entry["note"] = e.note;
      schedule.push_back(entry);
    }
    top[kScheduleKey] = schedule;
  }
  if (config.fork) top[kForkKey] = {{"parent", config.fork->parent}, {"at_epoch", config.fork->at_epoch}};
}

void read_schedule_keys(const Json& top, const std::string& source, RunConfig& config) {
  if (const auto schedule = top.find(kScheduleKey); schedule != top.end()) {
    config.schedule.clear();
    if (!schedule->is_array()) fail(source, kScheduleKey, "must be a list of {\"epoch\": N, \"fixes\": {...}}");
    for (std::size_t i = 0; i < schedule->size(); ++i) {
      config.schedule.push_back(
          read_entry((*schedule)[i], source, std::string(kScheduleKey) + "[" + std::to_string(i) + "]"));
    }
  }
  if (const auto fork = top.find(kForkKey); fork != top.end()) {
    if (!fork->is_object()) fail(source, kForkKey, "must be an object {\"parent\": DIR, \"at_epoch\": N}");
    refuse_unknown_keys(*fork, {"parent", "at_epoch"}, source, kForkKey);
    const auto parent = fork->find("parent");
    const auto epoch = fork->find("at_epoch");
    if (parent == fork->end() || !parent->is_string()) fail(source, "fork.parent", "must be a folder name");
    if (epoch == fork->end() || !epoch->is_number_integer() || epoch->get<long long>() < 0 ||
        epoch->get<long long>() > 1000000) {
      fail(source, "fork.at_epoch", "must be an epoch (0 or more)");
    }
    config.fork = ForkOrigin{parent->get<std::string>(), epoch->get<int>()};
  }
}

}  // namespace moelab
