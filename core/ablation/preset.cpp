#include "ablation/preset.h"

#include <stdexcept>

#include "config/setting_catalog.h"

namespace moelab {

FixSwitches Preset::switches(FixSwitches fixes) const {
  fixes.projection_fix = projection_fix;
  fixes.cooldown = cooldown;
  fixes.entropy_loss = entropy_loss;
  return fixes;
}

RunConfig Preset::apply(RunConfig config) const {
  config.fixes = switches(config.fixes);
  return with_settings(config, settings);
}

RunConfig Preset::revert(RunConfig config, const RunConfig& before) const {
  for (const auto& s : settings) {
    const Setting& described = setting(s.key);
    if (described.get(config) == parse_setting_text(described, s.value)) {
      described.set(config, described.get(before));
    }
  }
  return config;
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"collapse", "Collapse: all fixes off",
       "Accuracy stalls, so the model splits every epoch and cascades to 12 experts.\n"
       "Each split halves its parent's routing mass; most experts drop out of every top 2 and "
       "stay dormant.",
       false, false, false},
      {"cooldown", "Cooldown tames the cascade",
       "Five epochs between splits: two controlled splits in 14 growth epochs instead of ten.\n"
       "Watch the utilisation chart: freshly split experts still fall dormant, since nothing "
       "wakes them.",
       false, true, false},
      {"entropy", "Entropy wakes sleeping experts",
       "The cascade still happens, but the entropy term pulls routing back towards every "
       "expert.\nCompare with Collapse: most of the dozen experts now get samples.",
       false, false, true},
      {"projection-bug", "The projection bug",
       "The diversity probe skips the input projection. With 64 inputs and 64 hidden units "
       "nothing breaks,\nwhich is why the bug was silent; but the experts stay alike on the data "
       "they really see (expert similarity chart).",
       false, true, true},
      {"all-fixes", "All fixes: the seed's phase 1",
       "Projection fix, cooldown and entropy together: two controlled splits and every expert "
       "working.\nOn the default seed the report reads GO; over five seeds the accuracy margin "
       "is within validation noise.",
       true, true, true},
      {"growth-by-pattern",
       "Growth by pattern",
       "Four experts, each sample routed to one: a reaction-diffusion field with a cell per "
       "expert picks which expert splits; load above the fair share feeds its u.\nIn the strip "
       "under the utilisation chart, outlined cells are above the threshold and a diamond is a "
       "split; the cooldown spaces the splits.",
       true,
       true,
       true,
       // At k = 2 the seed's two experts are both in every top 2, every load is the fair share
       // and the field has no source: four experts at k = 1 give it one.
       {{"training.growth", "schnakenberg"}, {"model.initial_experts", "4"}, {"model.top_k", "1"}}},
  };
  return all;
}

const Preset& find_preset(const std::string& id) {
  std::string known;
  for (const auto& p : presets()) {
    if (p.id == id) return p;
    known += (known.empty() ? "" : ", ") + p.id;
  }
  throw std::invalid_argument("unknown preset '" + id + "' (known: " + known + ")");
}

}  // namespace moelab
