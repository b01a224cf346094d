#pragma once
// A grid's arms as grid.json and comparison.json write them: an arm of switches alone as its code
// ("PcE", as files written before sweeps existed), an arm with swept settings as
// {"switches": "PcE", "settings": [{"key": "growth", "value": "schnakenberg"}, ...]}.

#include <nlohmann/json.hpp>
#include <vector>

#include "ablation/ablation_plan.h"

namespace moelab {

nlohmann::ordered_json arms_to_json(const std::vector<Arm>& arms);

// The arms of `json` (an array as arms_to_json writes it), named as the CLI names them, the
// fixes' weights and windows from `base`. Throws std::invalid_argument naming the bad entry, an
// unknown or unsweepable setting, a value out of range, or an arm given twice.
std::vector<Arm> arms_from_json(const nlohmann::ordered_json& json, const FixSwitches& base);

}  // namespace moelab
