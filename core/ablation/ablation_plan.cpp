#include "ablation/ablation_plan.h"

#include <set>
#include <sstream>
#include <stdexcept>

#include "config/setting_catalog.h"

namespace moelab {

namespace {

std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> values;
  std::stringstream stream(text);
  for (std::string value; std::getline(stream, value, ',');) values.push_back(value);
  if (!text.empty() && text.back() == ',') values.emplace_back();
  return values;
}

}  // namespace

Arm make_arm(bool projection, bool cooldown, bool entropy, const FixSwitches& base) {
  Arm arm;
  arm.fixes = base;
  arm.fixes.projection_fix = projection;
  arm.fixes.cooldown = cooldown;
  arm.fixes.entropy_loss = entropy;
  std::string name;
  auto add = [&name](bool on, const char* part) {
    if (!on) return;
    if (!name.empty()) name += '+';
    name += part;
  };
  add(projection, "projection");
  add(cooldown, "cooldown");
  add(entropy, "entropy");
  if (projection && cooldown && entropy) name = "all fixes";
  arm.name = name.empty() ? "no fixes" : name;
  return arm;
}

std::vector<RunKey> plan_runs(const AblationPlan& plan) {
  std::vector<RunKey> runs;
  for (auto seed : plan.seeds) {
    for (std::size_t arm = 0; arm < plan.arms.size(); ++arm) runs.push_back({arm, seed});
  }
  return runs;
}

RunConfig arm_config(const RunConfig& base, const Arm& arm) {
  RunConfig config = base;
  config.fixes = arm.fixes;
  return with_settings(config, arm.settings);
}

RunConfig with_settings(RunConfig config, const std::vector<ArmSetting>& settings) {
  for (const auto& s : settings) {
    const Setting& described = setting(s.key);
    described.set(config, parse_setting_text(described, s.value));
  }
  return config;
}

RunConfig run_config(const AblationPlan& plan, std::size_t arm, std::uint64_t seed) {
  RunConfig config = arm_config(plan.base, plan.arms.at(arm));
  config.training.seed = seed;
  config.training.threads = 1;
  return config;
}

std::string arm_code(const FixSwitches& f) {
  return {f.projection_fix ? 'P' : 'p', f.cooldown ? 'C' : 'c', f.entropy_loss ? 'E' : 'e'};
}

const char* unsweepable_reason(std::string_view key) {
  if (key == "fixes.projection_fix" || key == "fixes.cooldown" || key == "fixes.entropy_loss") {
    return "the three switches are the arms: use --arms";
  }
  if (key == "training.seed") return "the seeds pair the arms: use --seed and --seeds";
  if (key == "training.threads") return "a grid runs every run on one thread: use --jobs";
  return nullptr;
}

std::string arm_id(const Arm& arm) {
  std::string id = arm_code(arm.fixes);
  for (const auto& s : arm.settings) id += '+' + s.key + '=' + s.value;
  return id;
}

ArmSetting arm_setting(const std::string& key, const std::string& value) {
  if (const char* reason = unsweepable_reason(key)) {
    throw std::invalid_argument(key + " cannot be swept: " + reason);
  }
  const Setting& described = setting(key);
  try {
    return {key, value_text(parse_setting_text(described, value))};
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(key + ": " + e.what());
  }
}

Arm with_setting(Arm arm, ArmSetting setting) {
  arm.name += ", " + setting.key + "=" + setting.value;
  arm.settings.push_back(std::move(setting));
  return arm;
}

Variation parse_variation(const std::string& key, const std::string& values_text) {
  Variation variation{key, {}};
  for (const auto& text : split_values(values_text)) {
    const auto value = arm_setting(key, text).value;
    for (const auto& earlier : variation.values) {
      if (earlier == value) {
        throw std::invalid_argument(key + ": the value " + value + " is given twice");
      }
    }
    variation.values.push_back(value);
  }
  if (variation.values.empty()) throw std::invalid_argument(key + ": no values given");
  return variation;
}

std::vector<Arm> cross_arms(const std::vector<Arm>& arms, const std::vector<Variation>& sweeps) {
  std::set<std::string> keys;
  for (const auto& sweep : sweeps) {
    if (!keys.insert(sweep.key).second) {
      throw std::invalid_argument(sweep.key + " is swept twice; give its values in one --vary");
    }
  }
  std::vector<Arm> crossed = arms;
  for (const auto& sweep : sweeps) {
    std::vector<Arm> next;
    for (const auto& arm : crossed) {
      for (const auto& value : sweep.values) next.push_back(with_setting(arm, {sweep.key, value}));
    }
    crossed = std::move(next);
  }
  return crossed;
}

std::vector<Arm> parse_arms(const std::string& spec, const FixSwitches& base) {
  if (spec == "grid") {
    std::vector<Arm> arms;
    for (int bits = 0; bits < 8; ++bits) {
      arms.push_back(make_arm(bits & 4, bits & 2, bits & 1, base));
    }
    return arms;
  }
  if (spec == "ab") return {make_arm(false, false, false, base), make_arm(true, true, true, base)};
  std::vector<Arm> arms;
  std::stringstream codes(spec);
  std::string code;
  while (std::getline(codes, code, ',')) {
    const bool valid = code.size() == 3 && (code[0] == 'p' || code[0] == 'P') &&
                       (code[1] == 'c' || code[1] == 'C') && (code[2] == 'e' || code[2] == 'E');
    if (!valid) {
      throw std::invalid_argument("arm '" + code +
                                  "' must be three letters p/P c/C e/E (upper case = fix on), "
                                  "or use grid or ab");
    }
    arms.push_back(make_arm(code[0] == 'P', code[1] == 'C', code[2] == 'E', base));
  }
  if (arms.empty()) throw std::invalid_argument("no arms given (use grid, ab or codes like PCE)");
  // Two runs of the same arm and seed would be the same run, written into the same folder.
  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      if (arm_code(arms[a].fixes) == arm_code(arms[b].fixes)) {
        throw std::invalid_argument("arm '" + arm_code(arms[a].fixes) + "' is given twice");
      }
    }
  }
  return arms;
}

}  // namespace moelab
