#include "config/setting_catalog.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace moelab {

namespace {

// Each field is reached through a generic lambda `[](auto& c) -> auto& { return c.x.y; }`, which
// serves both the const reader and the writer.
template <typename Field>
using FieldType = std::remove_cvref_t<decltype(std::declval<Field>()(std::declval<RunConfig&>()))>;

struct Text {
  const char* key;
  const char* flag;
  const char* group;
  const char* label;
  const char* help;
};

Setting described(const Text& text, SettingType type) {
  Setting s;
  s.key = text.key;
  s.flag = text.flag;
  s.group = text.group;
  s.label = text.label;
  s.help = text.help;
  s.type = type;
  return s;
}

template <typename Field>
Setting integer(const Text& text, std::int64_t minimum, std::int64_t maximum, Field field) {
  Setting s = described(text, SettingType::Integer);
  s.integer_minimum = minimum;
  s.integer_maximum = maximum;
  s.minimum = static_cast<double>(minimum);
  s.maximum = static_cast<double>(maximum);
  s.get = [field](const RunConfig& c) {
    return SettingValue{static_cast<std::int64_t>(field(c))};
  };
  s.set = [field](RunConfig& c, const SettingValue& v) {
    field(c) = static_cast<FieldType<Field>>(std::get<std::int64_t>(v));
  };
  return s;
}

struct RealRange {
  double minimum;
  double maximum;
  bool minimum_open = false;
  bool maximum_open = false;
};

template <typename Field>
Setting real(const Text& text, RealRange range, Field field) {
  Setting s = described(text, SettingType::Real);
  s.minimum = range.minimum;
  s.maximum = range.maximum;
  s.minimum_open = range.minimum_open;
  s.maximum_open = range.maximum_open;
  s.get = [field](const RunConfig& c) { return SettingValue{static_cast<double>(field(c))}; };
  s.set = [field](RunConfig& c, const SettingValue& v) { field(c) = std::get<double>(v); };
  return s;
}

template <typename Field>
Setting boolean(const Text& text, Field field) {
  Setting s = described(text, SettingType::Boolean);
  s.get = [field](const RunConfig& c) { return SettingValue{static_cast<bool>(field(c))}; };
  s.set = [field](RunConfig& c, const SettingValue& v) { field(c) = std::get<bool>(v); };
  return s;
}

template <typename Enum, typename Field>
Setting choice(const Text& text, const std::vector<std::pair<const char*, Enum>>& names,
               Field field) {
  Setting s = described(text, SettingType::Choice);
  for (const auto& [name, value] : names) s.choices.emplace_back(name);
  s.get = [field, &names](const RunConfig& c) {
    for (const auto& [name, value] : names) {
      if (value == field(c)) return SettingValue{std::string(name)};
    }
    return SettingValue{std::string(names.front().first)};
  };
  s.set = [field, &names](RunConfig& c, const SettingValue& v) {
    for (const auto& [name, value] : names) {
      if (std::get<std::string>(v) == name) field(c) = value;
    }
  };
  return s;
}

template <typename Field>
Setting text_setting(const Text& text, Field field) {
  Setting s = described(text, SettingType::Text);
  s.get = [field](const RunConfig& c) { return SettingValue{field(c)}; };
  s.set = [field](RunConfig& c, const SettingValue& v) { field(c) = std::get<std::string>(v); };
  return s;
}

constexpr std::int64_t kLargestSeed = std::numeric_limits<std::int64_t>::max();
constexpr const char* kData = "Data";
constexpr const char* kModel = "Model";
constexpr const char* kFixes = "The three fixes";
constexpr const char* kTraining = "Training";
constexpr const char* kGrowth = "Growth";

std::vector<Setting> build_catalog() {
  return {
      choice({"data.kind", "", kData, "Data set",
              "What the experts learn to classify: the built-in UCI digits, synthetic Gaussian "
              "clusters, or an IDX folder (MNIST format)."},
             dataset_kind_names(), [](auto& c) -> auto& { return c.data.kind; }),
      text_setting({"data.idx_dir", "", kData, "Folder",
                    "For an IDX data set: a folder with *-images-idx3-ubyte[.gz] and labels "
                    "files."},
                   [](auto& c) -> auto& { return c.data.idx_dir; }),
      real({"data.validation_fraction", "--validation-fraction", kData, "Validation share",
            "Stratified share of the data the growth policy judges plateaus on."},
           {0, 1, true, true}, [](auto& c) -> auto& { return c.data.validation_fraction; }),
      real({"data.test_fraction", "--test-fraction", kData, "Test share",
            "Share of the data held out as a test set: never trained on and never used for a "
            "growth decision. The verdict's accuracy criterion is judged on it."},
           {0, 1, true, true}, [](auto& c) -> auto& { return c.data.test_fraction; }),
      integer({"data.max_samples", "--max-samples", kData, "Max samples",
               "Stratified subset of a large set; 0 uses all."},
              0, 100'000'000, [](auto& c) -> auto& { return c.data.max_samples; }),
      integer({"data.synthetic.clusters", "--synthetic-clusters", kData, "Clusters",
               "Synthetic data: Gaussian clusters, one class each."},
              2, 1000, [](auto& c) -> auto& { return c.data.synthetic.clusters; }),
      integer({"data.synthetic.dimension", "--synthetic-dim", kData, "Dimension",
               "Synthetic data: features per sample."},
              1, 100'000, [](auto& c) -> auto& { return c.data.synthetic.dimension; }),
      real({"data.synthetic.spread", "--synthetic-spread", kData, "Spread",
            "Synthetic data: standard deviation of each cluster; larger overlaps the classes."},
           {0, 1e6, true, false}, [](auto& c) -> auto& { return c.data.synthetic.spread; }),
      real({"data.synthetic.separation", "--synthetic-separation", kData, "Separation",
            "Synthetic data: standard deviation of the cluster centres."},
           {0, 1e6}, [](auto& c) -> auto& { return c.data.synthetic.separation; }),
      real({"data.synthetic.offset", "--synthetic-offset", kData, "Offset",
            "Synthetic data: added to every feature, so raw inputs sit far from the projected "
            "space (shows the projection bug when the widths differ)."},
           {-1e6, 1e6}, [](auto& c) -> auto& { return c.data.synthetic.offset; }),
      integer({"data.synthetic.samples", "--synthetic-samples", kData, "Samples",
               "Synthetic data: samples in all, at least twice the clusters."},
              4, 10'000'000, [](auto& c) -> auto& { return c.data.synthetic.samples; }),

      integer({"model.hidden", "--hidden", kModel, "Hidden width",
               "Width of the input projection shared by all experts."},
              1, 8192, [](auto& c) -> auto& { return c.model.hidden; }),
      integer({"model.expert_hidden", "--expert-hidden", kModel, "Expert width",
               "Inner width of each expert's MLP."},
              1, 8192, [](auto& c) -> auto& { return c.model.expert_hidden; }),
      integer({"model.initial_experts", "--initial-experts", kModel, "Initial experts",
               "Experts in the seed model, before any split."},
              1, 256, [](auto& c) -> auto& { return c.model.initial_experts; }),
      integer({"model.top_k", "--top-k", kModel, "Top-k",
               "Experts each sample is routed to (all of them while there are fewer); at most the "
               "max experts."},
              1, 256, [](auto& c) -> auto& { return c.model.top_k; }),
      integer({"model.max_experts", "--max-experts", kModel, "Max experts",
               "Growth stops at this many experts; at least the initial experts."},
              1, 256, [](auto& c) -> auto& { return c.model.max_experts; }),

      boolean({"fixes.projection_fix", "--projection-fix", kFixes, "Projection fix",
               "Probe data for the diversity loss passes through the input projection, as "
               "training data does. Off reproduces the seed's bug: experts are pushed apart on "
               "inputs they never see."},
              [](auto& c) -> auto& { return c.fixes.projection_fix; }),
      boolean({"fixes.cooldown", "", kFixes, "Growth cooldown",
               "At least cooldown_epochs epochs between two splits, so each new expert is trained "
               "before the next split. Off reproduces the seed's split storm: ten splits in a row, "
               "none of them trained."},
              [](auto& c) -> auto& { return c.fixes.cooldown; }),
      integer({"fixes.cooldown_epochs", "", kFixes, "Cooldown epochs",
               "The least number of epochs between two splits while the cooldown is on."},
              0, 10'000, [](auto& c) -> auto& { return c.fixes.cooldown_epochs; }),
      boolean({"fixes.entropy_loss", "", kFixes, "Load balancing",
               "Balances the routing with the method training.balancer names (entropy, the "
               "seed's, by default), so the router cannot send every sample to the same two "
               "experts. Off lets the others go dormant: the expert collapse."},
              [](auto& c) -> auto& { return c.fixes.entropy_loss; }),
      real({"fixes.entropy_weight", "", kFixes, "Entropy weight",
            "Weight of the entropy term in the loss while it is on (0.1 in the seed)."},
           {0, 100}, [](auto& c) -> auto& { return c.fixes.entropy_weight; }),

      integer({"training.seed", "--seed", kTraining, "Seed",
               "The same seed and settings give the same run, number for number."},
              0, kLargestSeed, [](auto& c) -> auto& { return c.training.seed; }),
      integer({"training.seed_epochs", "--seed-epochs", kTraining, "Seed epochs",
               "Phase 0: train the seed model, no growth."},
              0, 100'000, [](auto& c) -> auto& { return c.training.seed_epochs; }),
      integer({"training.growth_epochs", "--growth-epochs", kTraining, "Growth epochs",
               "Phase 1: after each epoch the growth policy may split an expert."},
              0, 100'000, [](auto& c) -> auto& { return c.training.growth_epochs; }),
      integer({"training.batch_size", "--batch-size", kTraining, "Batch size",
               "Samples per training step."},
              1, 1'000'000, [](auto& c) -> auto& { return c.training.batch_size; }),
      real({"training.learning_rate", "--lr", kTraining, "Learning rate", "Adam's learning rate."},
           {0, 10, true, false}, [](auto& c) -> auto& { return c.training.learning_rate; }),
      real({"training.final_lr_fraction", "--final-lr-fraction", kTraining, "Final LR fraction",
            "Fraction of the learning rate reached at the last epoch by a cosine decay over the "
            "growth phase; 1 = constant."},
           {0, 1, true, false}, [](auto& c) -> auto& { return c.training.final_lr_fraction; }),
      real({"training.diversity_weight", "--diversity-weight", kTraining, "Diversity weight",
            "Weight of the diversity loss on the probe."},
           {0, 100}, [](auto& c) -> auto& { return c.training.diversity_weight; }),
      integer({"training.probe_size", "--probe-size", kTraining, "Probe size",
               "Samples in the fixed probe batch of the diversity loss."},
              1, 100'000, [](auto& c) -> auto& { return c.training.probe_size; }),
      integer({"training.probe_experts", "--probe-experts", kTraining, "Probe experts",
               "Experts the diversity probe runs on per step: every expert while there are at "
               "most this many (the seed's probe), else this many drawn at random each step, an "
               "unbiased estimate of the same loss whose cost does not grow with the experts."},
              2, 1'000'000, [](auto& c) -> auto& { return c.training.probe_experts; }),
      real({"training.split_noise", "--split-noise", kTraining, "Split noise",
            "Relative noise on the child's weights at a split."},
           {0, 10}, [](auto& c) -> auto& { return c.training.split_noise; }),
      real({"training.plateau_min_delta", "--plateau-min-delta", kTraining, "Plateau min delta",
            "Validation accuracy must beat its best by more than this to count as progress."},
           {0, 1, false, true}, [](auto& c) -> auto& { return c.training.plateau_min_delta; }),
      integer({"training.plateau_patience", "--plateau-patience", kTraining, "Plateau patience",
               "Growth epochs without a better validation accuracy before a plateau is declared "
               "and an expert may split. 1 is the seed's rule: one flat epoch is a plateau."},
              1, 10'000, [](auto& c) -> auto& { return c.training.plateau_patience; }),

      choice({"training.growth", "--growth", kGrowth, "Growth",
              "What decides when and where the mixture grows. heuristic (the seed's): a plateau "
              "of validation accuracy splits the most-used expert. schnakenberg: a "
              "reaction-diffusion field with one cell per expert on a ring, fed by each expert's "
              "load over its fair share, splits the expert whose activator u crosses "
              "training.field.threshold."},
             growth_names(), [](auto& c) -> auto& { return c.training.growth; }),
      real({"training.field.a", "--field-a", kGrowth, "Field a",
            "Growth by pattern: the activator's feed a in du/dt = Du Lap(u) + gamma (a - u + u^2 "
            "v) + s; the steady state is u* = a + b."},
           {0, 1000, true, false}, [](auto& c) -> auto& { return c.training.field.field.a; }),
      real({"training.field.b", "--field-b", kGrowth, "Field b",
            "Growth by pattern: the inhibitor's feed b in dv/dt = Dv Lap(v) + gamma (b - u^2 v)."},
           {0, 1000, true, false}, [](auto& c) -> auto& { return c.training.field.field.b; }),
      real({"training.field.gamma", "--field-gamma", kGrowth, "Field gamma",
            "Growth by pattern: the reaction rate gamma, against the diffusion."},
           {0, 1e6, true, false}, [](auto& c) -> auto& { return c.training.field.field.gamma; }),
      real({"training.field.du", "--field-du", kGrowth, "Field Du",
            "Growth by pattern: the activator's diffusion along the ring of experts."},
           {0, 1e6, true, false}, [](auto& c) -> auto& { return c.training.field.field.du; }),
      real({"training.field.dv", "--field-dv", kGrowth, "Field Dv",
            "Growth by pattern: the inhibitor's diffusion; a pattern forms only when it is far "
            "above Du (the Turing condition)."},
           {0, 1e6, true, false}, [](auto& c) -> auto& { return c.training.field.field.dv; }),
      real({"training.field.dt", "--field-dt", kGrowth, "Field dt",
            "Growth by pattern: the field's explicit Euler step, below the stable bound its "
            "linearisation gives."},
           {0, 1000, true, false}, [](auto& c) -> auto& { return c.training.field.field.dt; }),
      integer({"training.field.steps_per_epoch", "--field-steps", kGrowth, "Field steps",
               "Growth by pattern: field steps per training epoch."},
              1, 1'000'000, [](auto& c) -> auto& { return c.training.field.steps_per_epoch; }),
      real({"training.field.coupling", "--field-coupling", kGrowth, "Field coupling",
            "Growth by pattern: how strongly an expert's load over its fair share feeds its "
            "activator, s_i = coupling (E load_i - 1); 0 leaves the field to itself."},
           {0, 1000}, [](auto& c) -> auto& { return c.training.field.coupling; }),
      real({"training.field.threshold", "--field-threshold", kGrowth, "Field threshold",
            "Growth by pattern: an expert splits when its activator u crosses this; above the "
            "steady state a + b."},
           {0, 1e6, true, false}, [](auto& c) -> auto& { return c.training.field.threshold; }),
      choice({"training.split_mode", "--split", kTraining, "Split mode",
              "seed: both router biases lowered by log 2, as the seed did; under top-k this "
              "changes what the model computes at the split. preserving: the child enters with a "
              "router logit far below the others, so the model is unchanged, and is released "
              "over split_release_steps steps."},
             split_mode_names(), [](auto& c) -> auto& { return c.training.split_mode; }),
      integer({"training.split_release_steps", "--split-release-steps", kTraining, "Release over",
               "Preserving split: the steps over which the child is released to the seed "
               "split's routing."},
              1, 1'000'000, [](auto& c) -> auto& { return c.training.split_release_steps; }),
      choice({"training.diversity_loss", "--diversity-loss", kTraining, "Diversity loss",
              "signed-cosine: the seed's mean pairwise cosine, which rewards experts that are "
              "negatives of each other. squared-cosine: the mean squared cosine, which pushes "
              "towards orthogonal outputs."},
             diversity_loss_names(), [](auto& c) -> auto& { return c.training.diversity_loss; }),
      choice({"training.balancer", "--balancer", kTraining, "Balancer",
              "What the load-balancing switch turns on. none: nothing. entropy (the seed's): "
              "maximises the entropy of the routed share (weight fixes.entropy_weight). switch: "
              "the Switch Transformer's auxiliary loss E * sum f_i P_i (weight "
              "training.switch_weight). bias: DeepSeek-V3's auxiliary-loss-free balancing, a "
              "per-expert bias on the top-k choice only, moved towards an even load after every "
              "step (rate training.bias_rate)."},
             balancer_names(), [](auto& c) -> auto& { return c.training.balancer; }),
      real({"training.switch_weight", "--switch-weight", kTraining, "Switch weight",
            "Weight (alpha) of the Switch Transformer's auxiliary loss (balancer switch)."},
           {0, 100}, [](auto& c) -> auto& { return c.training.switch_weight; }),
      real({"training.bias_rate", "--bias-rate", kTraining, "Bias rate",
            "Bias balancer: how far each expert's selection bias moves per training step, up "
            "when its load is below the mean, down above it."},
           {0, 1}, [](auto& c) -> auto& { return c.training.bias_rate; }),
      real({"training.z_loss_weight", "--z-loss-weight", kTraining, "Z-loss weight",
            "Weight of the router z-loss, the mean squared log-sum-exp of the router logits; "
            "works with any balancer. 0 = off."},
           {0, 100}, [](auto& c) -> auto& { return c.training.z_loss_weight; }),
      boolean({"training.prune_dormant", "--prune-dormant", kGrowth, "Prune dormant",
               "Growth phase: after an epoch, remove the least used dormant expert (its weights, "
               "router row, selection bias and optimiser state) while more than top-k experts "
               "remain."},
              [](auto& c) -> auto& { return c.training.prune_dormant; }),
      boolean({"training.revive_dormant", "--revive-dormant", kGrowth, "Revive dormant",
               "Growth phase: after an epoch, re-initialise the least used dormant expert as a "
               "noisy copy of the busiest one, which then shares its routing mass (as a split)."},
              [](auto& c) -> auto& { return c.training.revive_dormant; }),
      real({"training.dormant_threshold", "--dormant-threshold", kTraining, "Dormant threshold",
            "An expert whose share of the routed slots is below this is dormant."},
           {0, 1, false, true}, [](auto& c) -> auto& { return c.training.dormant_threshold; }),
      integer({"training.log_interval", "--log-interval", kTraining, "Log interval",
               "Steps between step reports (the scalars are read back only then)."},
              1, 1'000'000, [](auto& c) -> auto& { return c.training.log_interval; }),
      integer({"training.threads", "--threads", kTraining, "Threads",
               "Intra-op threads; 0 = every CPU this process may use. One by default: the "
               "default model's operations are too small to split."},
              0, 1024, [](auto& c) -> auto& { return c.training.threads; }),
      choice({"training.dispatch", "--dispatch", kTraining, "Dispatch",
              "Every expert on every sample (dense), only the routed samples per expert "
              "(routed), or chosen by the model's size (auto). Same numbers, different speed."},
             dispatch_names(), [](auto& c) -> auto& { return c.training.dispatch; }),
  };
}

std::string number_text(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

bool in_range(const Setting& s, const SettingValue& value) {
  if (s.type == SettingType::Integer) {
    const auto v = std::get<std::int64_t>(value);
    return v >= s.integer_minimum && v <= s.integer_maximum;
  }
  if (s.type == SettingType::Real) {
    const double v = std::get<double>(value);
    if (!std::isfinite(v)) return false;
    const bool above = s.minimum_open ? v > s.minimum : v >= s.minimum;
    const bool below = s.maximum_open ? v < s.maximum : v <= s.maximum;
    return above && below;
  }
  if (s.type == SettingType::Choice) {
    for (const auto& name : s.choices) {
      if (name == std::get<std::string>(value)) return true;
    }
    return false;
  }
  return true;
}

}  // namespace

const std::vector<Setting>& setting_catalog() {
  static const std::vector<Setting> catalog = build_catalog();
  return catalog;
}

const Setting* find_setting(std::string_view key) {
  for (const auto& s : setting_catalog()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

const Setting& setting(std::string_view key) {
  if (const auto* s = find_setting(key)) return *s;
  std::string keys;
  for (const auto& s : setting_catalog()) keys += (keys.empty() ? "" : ", ") + s.key;
  throw std::invalid_argument("'" + std::string(key) + "' is not a setting; the settings are " +
                              keys);
}

std::string setting_reference(std::string_view key) {
  const Setting& s = setting(key);
  return s.flag.empty() ? s.key : s.key + " (" + s.flag + ")";
}

std::string describe_range(const Setting& s) {
  switch (s.type) {
    case SettingType::Integer:
      return std::to_string(s.integer_minimum) + ".." + std::to_string(s.integer_maximum);
    case SettingType::Real:
      if (!s.minimum_open && !s.maximum_open) {
        return number_text(s.minimum) + ".." + number_text(s.maximum);
      }
      return std::string(s.minimum_open ? "(" : "[") + number_text(s.minimum) + ", " +
             number_text(s.maximum) + (s.maximum_open ? ")" : "]");
    case SettingType::Boolean:
      return "on or off";
    case SettingType::Choice: {
      std::string names;
      for (const auto& name : s.choices) names += (names.empty() ? "" : ", ") + name;
      return "one of " + names;
    }
    case SettingType::Text:
      return "any text";
  }
  return {};
}

std::string quoted_as_written(std::string_view text) {
  constexpr std::size_t kLongest = 40;
  std::string quoted = "'";
  quoted.append(text.substr(0, kLongest));
  if (text.size() <= kLongest) return quoted.append("'");
  return quoted.append("...' (").append(std::to_string(text.size())).append(" characters)");
}

namespace {

[[noreturn]] void refuse(const Setting& s, const std::string& written) {
  if (s.type == SettingType::Choice) {
    throw std::invalid_argument(written + " is not " + describe_range(s));
  }
  throw std::invalid_argument(written + " is outside " + describe_range(s));
}

}  // namespace

void check_setting_value(const Setting& s, const SettingValue& value) {
  if (!in_range(s, value)) refuse(s, quoted_as_written(value_text(value)));
}

SettingValue parse_setting_text(const Setting& s, std::string_view text) {
  const std::string written = quoted_as_written(text);
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  SettingValue value;
  switch (s.type) {
    case SettingType::Integer: {
      std::int64_t v = 0;
      const auto [ptr, error] = std::from_chars(begin, end, v);
      if (error == std::errc::result_out_of_range) {
        throw std::invalid_argument(written + " is outside " + describe_range(s));
      }
      if (error != std::errc() || ptr != end || text.empty()) {
        throw std::invalid_argument(written + " is not an integer");
      }
      value = v;
      break;
    }
    case SettingType::Real: {
      double v = 0;
      const auto [ptr, error] = std::from_chars(begin, end, v);
      if (error == std::errc::result_out_of_range) {
        throw std::invalid_argument(written + " is outside " + describe_range(s));
      }
      if (error != std::errc() || ptr != end || text.empty()) {
        throw std::invalid_argument(written + " is not a number");
      }
      if (!std::isfinite(v)) throw std::invalid_argument(written + " is not a finite number");
      value = v;
      break;
    }
    case SettingType::Boolean:
      if (text == "on" || text == "true" || text == "1") {
        value = true;
      } else if (text == "off" || text == "false" || text == "0") {
        value = false;
      } else {
        throw std::invalid_argument(written + " must be on or off");
      }
      break;
    case SettingType::Choice:
    case SettingType::Text:
      value = std::string(text);
      break;
  }
  if (!in_range(s, value)) refuse(s, written);
  return value;
}

std::string value_text(const SettingValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "on" : "off";
  return std::get<std::string>(value);
}

std::string setting_text(const Setting& s, const RunConfig& config) {
  return value_text(s.get(config));
}

}  // namespace moelab
