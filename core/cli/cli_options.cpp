#include "cli/cli_options.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "ablation/ablation_plan.h"
#include "ablation/preset.h"
#include "config/config_json.h"

namespace moelab {

namespace {

template <typename T>
T parse_number(const std::string& flag, const std::string& text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) {
    throw CliError(flag + ": '" + text + "' is not " +
                   (std::is_integral_v<T> ? "an integer" : "a number"));
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) throw CliError(flag + ": '" + text + "' is not a finite number");
  }
  return value;
}

bool parse_on_off(const std::string& flag, const std::string& text) {
  if (text == "on" || text == "true" || text == "1") return true;
  if (text == "off" || text == "false" || text == "0") return false;
  throw CliError(flag + ": '" + text + "' must be on or off");
}

void parse_dataset(const std::string& text, DataConfig& data) {
  if (text == "digits") {
    data.kind = DatasetKind::Digits;
  } else if (text == "synthetic") {
    data.kind = DatasetKind::Synthetic;
  } else if (text.rfind("idx:", 0) == 0 && text.size() > 4) {
    data.kind = DatasetKind::Idx;
    data.idx_dir = text.substr(4);
  } else {
    throw CliError("--dataset: '" + text + "' must be digits, synthetic or idx:FOLDER");
  }
}

template <typename Enum>
Enum parse_choice(const std::string& flag, const std::string& text,
                  const std::vector<std::pair<const char*, Enum>>& names) {
  std::string options;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    options += (options.empty() ? "" : ", ") + std::string(name);
  }
  throw CliError(flag + ": '" + text + "' must be one of " + options);
}

using Setter = std::function<void(CliOptions&, const std::string& flag, const std::string& value)>;

template <typename T, typename Field>
Setter number(Field field) {
  return [field](CliOptions& o, const std::string& flag, const std::string& v) {
    field(o) = parse_number<T>(flag, v);
  };
}

const std::map<std::string, Setter>& value_flags() {
  static const std::map<std::string, Setter> flags = {
      {"--dataset", [](CliOptions& o, auto&, auto& v) { parse_dataset(v, o.config.data); }},
      {"--out", [](CliOptions& o, auto&, auto& v) { o.out_dir = v; }},
      {"--log-level", [](CliOptions& o, auto&, auto& v) { o.log_level = v; }},
      {"--seed", number<std::uint64_t>([](CliOptions& o) -> auto& { return o.config.training.seed; })},
      {"--projection-fix",
       [](CliOptions& o, auto& f, auto& v) { o.config.fixes.projection_fix = parse_on_off(f, v); }},
      {"--cooldown",
       [](CliOptions& o, auto& f, auto& v) {
         const int epochs = parse_number<int>(f, v);
         o.config.fixes.cooldown = epochs > 0;
         if (epochs > 0) o.config.fixes.cooldown_epochs = epochs;
         if (epochs < 0) throw CliError(f + ": must be 0 (off) or a number of epochs");
       }},
      {"--entropy-weight",
       [](CliOptions& o, auto& f, auto& v) {
         const double weight = parse_number<double>(f, v);
         o.config.fixes.entropy_loss = weight > 0;
         if (weight > 0) o.config.fixes.entropy_weight = weight;
         if (weight < 0) throw CliError(f + ": must be 0 (off) or a positive weight");
       }},
      {"--seed-epochs", number<int>([](CliOptions& o) -> auto& { return o.config.training.seed_epochs; })},
      {"--growth-epochs", number<int>([](CliOptions& o) -> auto& { return o.config.training.growth_epochs; })},
      {"--batch-size", number<int>([](CliOptions& o) -> auto& { return o.config.training.batch_size; })},
      {"--lr", number<double>([](CliOptions& o) -> auto& { return o.config.training.learning_rate; })},
      {"--final-lr-fraction", number<double>([](CliOptions& o) -> auto& { return o.config.training.final_lr_fraction; })},
      {"--diversity-weight", number<double>([](CliOptions& o) -> auto& { return o.config.training.diversity_weight; })},
      {"--split-noise", number<double>([](CliOptions& o) -> auto& { return o.config.training.split_noise; })},
      {"--dormant-threshold", number<double>([](CliOptions& o) -> auto& { return o.config.training.dormant_threshold; })},
      {"--threads", number<int>([](CliOptions& o) -> auto& { return o.config.training.threads; })},
      {"--dispatch",
       [](CliOptions& o, auto& f, auto& v) {
         o.config.training.dispatch = parse_choice(f, v, dispatch_names());
       }},
      {"--split",
       [](CliOptions& o, auto& f, auto& v) {
         o.config.training.split_mode = parse_choice(f, v, split_mode_names());
       }},
      {"--diversity-loss",
       [](CliOptions& o, auto& f, auto& v) {
         o.config.training.diversity_loss = parse_choice(f, v, diversity_loss_names());
       }},
      {"--split-release-steps", number<int>([](CliOptions& o) -> auto& { return o.config.training.split_release_steps; })},
      {"--plateau-min-delta", number<double>([](CliOptions& o) -> auto& { return o.config.training.plateau_min_delta; })},
      {"--plateau-patience", number<int>([](CliOptions& o) -> auto& { return o.config.training.plateau_patience; })},
      {"--test-fraction", number<double>([](CliOptions& o) -> auto& { return o.config.data.test_fraction; })},
      {"--hidden", number<int>([](CliOptions& o) -> auto& { return o.config.model.hidden; })},
      {"--expert-hidden", number<int>([](CliOptions& o) -> auto& { return o.config.model.expert_hidden; })},
      {"--initial-experts", number<int>([](CliOptions& o) -> auto& { return o.config.model.initial_experts; })},
      {"--max-experts", number<int>([](CliOptions& o) -> auto& { return o.config.model.max_experts; })},
      {"--top-k", number<int>([](CliOptions& o) -> auto& { return o.config.model.top_k; })},
      {"--validation-fraction", number<double>([](CliOptions& o) -> auto& { return o.config.data.validation_fraction; })},
      {"--max-samples", number<int>([](CliOptions& o) -> auto& { return o.config.data.max_samples; })},
      {"--synthetic-clusters", number<int>([](CliOptions& o) -> auto& { return o.config.data.synthetic.clusters; })},
      {"--synthetic-dim", number<int>([](CliOptions& o) -> auto& { return o.config.data.synthetic.dimension; })},
      {"--synthetic-spread", number<double>([](CliOptions& o) -> auto& { return o.config.data.synthetic.spread; })},
      {"--synthetic-offset", number<double>([](CliOptions& o) -> auto& { return o.config.data.synthetic.offset; })},
      {"--arms",
       [](CliOptions& o, auto& f, auto& v) {
         try {
           parse_arms(v, o.config.fixes);
         } catch (const std::invalid_argument& e) {
           throw CliError(f + ": " + e.what());
         }
         o.arms = v;
       }},
      {"--seeds", number<int>([](CliOptions& o) -> auto& { return o.seed_count; })},
      {"--jobs", number<int>([](CliOptions& o) -> auto& { return o.jobs; })},
      {"--synthetic-samples", number<int>([](CliOptions& o) -> auto& { return o.config.data.synthetic.samples; })},
      {"--resume", [](CliOptions& o, auto&, auto& v) { o.resume_dir = v; }},
      {"--checkpoint-every", number<int>([](CliOptions& o) -> auto& { return o.checkpoint_every; })},
      {"--at-epoch", number<int>([](CliOptions& o) -> auto& { return o.fork_epoch; })},
  };
  return flags;
}

}  // namespace

CliOptions parse_cli_options(const std::vector<std::string>& args) {
  CliOptions options;
  std::size_t first = 0;
  if (!args.empty() && args[0] == "ablate") {
    options.ablate = true;
    options.out_dir = "moelab-ablation";
    first = 1;
  }
  bool out_given = false;
  if (!args.empty() && args[0] == "fork") {
    if (args.size() < 2 || args[1].rfind("--", 0) == 0) throw CliError("fork needs the run folder: fork DIR --at-epoch N --out NEW");
    options.fork = true;
    options.fork_parent = args[1];
    first = 2;
    for (std::size_t i = first; i < args.size(); ++i) {
      if (args[i] == "--config") throw CliError("fork takes its settings from DIR/config.json; --config cannot be given");
    }
    try {
      options.config = load_config_file(args[1] + "/config.json");
    } catch (const std::exception& e) {
      throw CliError(std::string("fork: ") + e.what());
    }
  }
  // With --resume the folder's config.json holds the settings: only these flags may come along.
  static const std::set<std::string> resume_flags = {"--resume", "--quiet", "--log-level",
                                                     "--checkpoint-every", "--help", "--version"};
  bool resuming = false;
  std::string setting_flag;
  // Pass 1: the config file is the base, a preset sets the switches on it, other flags override.
  for (const char* base_flag : {"--config", "--preset"}) {
    for (std::size_t i = first; i < args.size(); ++i) {
      if (args[i] != base_flag) continue;
      if (i + 1 >= args.size()) throw CliError(std::string(base_flag) + " needs a value");
      try {
        if (args[i] == "--config") {
          options.config = load_config_file(args[i + 1]);
        } else {
          options.config = find_preset(args[i + 1]).apply(options.config);
        }
      } catch (const std::invalid_argument& e) {
        throw CliError(std::string("--preset: ") + e.what());
      }
    }
  }
  for (std::size_t i = first; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (flag.rfind("--", 0) == 0 && !resume_flags.count(flag) && setting_flag.empty()) setting_flag = flag;
    resuming = resuming || flag == "--resume";
    if (flag == "--help" || flag == "-h") {
      options.show_help = true;
    } else if (flag == "--version") {
      options.show_version = true;
    } else if (flag == "--quiet") {
      options.quiet = true;
    } else if (flag == "--force") {
      options.force = true;
    } else if (flag == "--config" || flag == "--preset") {
      ++i;
    } else if (const auto found = value_flags().find(flag); found != value_flags().end()) {
      if (i + 1 >= args.size()) throw CliError(flag + " needs a value");
      found->second(options, flag, args[++i]);
      out_given = out_given || flag == "--out";
    } else {
      throw CliError("unknown option '" + flag + "' (see --help)");
    }
  }
  try {
    validate(options.config);
  } catch (const std::invalid_argument& e) {
    throw CliError(std::string("invalid settings: ") + e.what());
  }
  if (options.seed_count < 1 || options.seed_count > 10000) {
    throw CliError("--seeds must be 1..10000");
  }
  if (options.jobs < 0 || options.jobs > 1024) throw CliError("--jobs must be 0 (all cores) or positive");
  if (options.checkpoint_every < 0) throw CliError("--checkpoint-every must be 0 (only at splits and the end) or positive");
  if (resuming) {
    if (options.ablate || options.fork) throw CliError("--resume continues one run: moelab-cli --resume DIR");
    if (!setting_flag.empty()) {
      throw CliError("--resume continues the run with the settings in its config.json; " + setting_flag +
                     " cannot be given with it (fork the run to change settings)");
    }
  }
  if (options.fork) {
    if (options.fork_epoch < 0) throw CliError("fork needs --at-epoch N (an epoch the parent finished)");
    if (!out_given) throw CliError("fork needs --out NEW (the fork's own folder)");
  } else if (options.fork_epoch >= 0) {
    throw CliError("--at-epoch belongs to fork: moelab-cli fork DIR --at-epoch N --out NEW");
  }
  return options;
}

std::string cli_usage() {
  return R"(moelab-cli: train a growing mixture of experts headless and write its report.

Usage: moelab-cli [options]
       moelab-cli --resume DIR [--checkpoint-every N]
       moelab-cli fork DIR --at-epoch N [fixes, --lr, --growth-epochs] --out NEW
       moelab-cli ablate [--arms grid|ab|PCE,pce,...] [--seeds N] [--jobs N] [options]

Run folders (written as the run goes; see the README):
  --out DIR              the run's folder (default moelab-run); created, checked writable first
  --force                replace the run a folder holds (a finished or unfinished one)
  --resume DIR           continue the interrupted run in DIR from its newest checkpoint
  --checkpoint-every N   epochs between checkpoints (default 1; 0 = only at splits and the end);
                         the last one and those at every split are kept
  fork DIR --at-epoch N  a new run from DIR's state after epoch N, with the given fixes,
                         learning rate or growth epochs from epoch N + 1 on
Ctrl-C, SIGTERM, SIGHUP: the current step finishes, a checkpoint is written, exit 130/143/129;
a second Ctrl-C exits at once.

Teaching presets:
  --preset collapse|cooldown|entropy|projection-bug|all-fixes   sets the three switches
Ablation (writes DIR/summary.csv, DIR/summary.md and every run's folder under DIR):
  --arms SPEC    grid (all 8 switch combinations, default), ab (none vs all), or codes:
                 upper case = on, P(rojection) C(ooldown) E(ntropy), e.g. pce,PCE,pCe
  --seeds N      seeds --seed, --seed+1, ... (default 5); arms of a seed are paired
  --jobs N       runs at once, each single-threaded (default: one per core)

Data:
  --dataset digits|synthetic|idx:DIR   data set (default: the embedded UCI digits)
  --validation-fraction X              stratified validation share, drives growth (default 0.2)
  --test-fraction X                    stratified held-out test share, judges the verdict
                                       (default 0.2)
  --max-samples N                      stratified subset of a large set (0 = all)
  --synthetic-clusters N --synthetic-dim N --synthetic-spread X
  --synthetic-offset X --synthetic-samples N
The three fixes:
  --projection-fix on|off              probe passes through the input projection (default on)
  --cooldown N                         epochs between splits, 0 = off (default 5)
  --entropy-weight X                   entropy load-balancing weight, 0 = off (default 0.1)
Training:
  --seed N --seed-epochs N --growth-epochs N --batch-size N --lr X
  --final-lr-fraction X (cosine decay over the growth phase; 1 = constant)
  --diversity-weight X --split-noise X --dormant-threshold X
  --diversity-loss signed-cosine|squared-cosine
                       the seed's mean signed cosine (default), or mean squared cosine
  --split seed|preserving
                       seed: both router biases lowered by log 2 (default); preserving: the
                       model's outputs are unchanged, the child is released over
                       --split-release-steps N steps (default 20)
  --plateau-min-delta X --plateau-patience N
                       a plateau: N growth epochs without beating the best validation
                       accuracy by more than X
  --threads N (default 1; 0 = all cores) --dispatch dense|routed|auto
Model:
  --hidden N --expert-hidden N --initial-experts N --max-experts N --top-k N
Files and output:
  --config FILE.json   base settings (same format the window saves); other flags override it
  --out DIR            where metrics.csv, events.csv, timing.csv, report.md/.json go
  --log-level LEVEL    trace, debug, info, warn (default), error, off
  --quiet              no progress lines on stderr
  --help, --version

Exit status: 0 trained (the verdict is in the report), 1 training diverged (a NO-GO report is
written), 2 bad settings, data or files (also a write error during the run: status.json says
failed), 128 + the signal's number when interrupted.
)";
}

}  // namespace moelab
