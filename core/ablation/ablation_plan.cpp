#include "ablation/ablation_plan.h"

#include <sstream>
#include <stdexcept>

namespace moelab {

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

RunConfig run_config(const AblationPlan& plan, std::size_t arm, std::uint64_t seed) {
  RunConfig config = plan.base;
  config.fixes = plan.arms.at(arm).fixes;
  config.training.seed = seed;
  config.training.threads = 1;
  return config;
}

std::string arm_code(const FixSwitches& f) {
  return {f.projection_fix ? 'P' : 'p', f.cooldown ? 'C' : 'c', f.entropy_loss ? 'E' : 'e'};
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
