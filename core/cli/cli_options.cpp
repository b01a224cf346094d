#include "cli/cli_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "ablation/ablation_plan.h"
#include "ablation/grid_shard.h"
#include "ablation/preset.h"
#include "cli/cli_help_text.h"
#include "config/config_json.h"
#include "config/setting_catalog.h"
#include "util/logging.h"

namespace moelab {

namespace {

constexpr const char* kFiles = "Files and output";
constexpr const char* kAblation = "Ablation";
constexpr const char* kRunFolders = "Run folders";
constexpr const char* kFork = "Fork";

using namespace cli_help;

// Edit distance, for "did you mean".
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The command line as CLI11 sees it: every catalog setting with a flag, the three shortcut flags,
// and the runner's own options. Values are kept as written and applied after parsing, so that
// --config and --preset form the base whatever the order.
class CliParser {
 public:
  CliParser() {
    app_.description("moelab-cli: train a growing mixture of experts headless and write its "
                     "report.");
    app_.set_help_flag("-h,--help", "Print this help and exit");
    app_.add_flag("--version", options_.show_version, "Print the version and exit");
    app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app_.allow_extras();
    app_.footer(footer());
    // Help lists groups in the order their first option is added: the switches first.
    add_shortcuts();
    for (const auto& s : setting_catalog()) {
      if (s.flag.empty()) continue;
      auto* option = app_.add_option(s.flag)
                         ->description(help_text(s))
                         ->type_name(type_name(s))
                         ->default_str(setting_text(s, RunConfig{}))
                         ->group(s.group);
      settings_.emplace_back(option, &s);
    }
    add_output_options();
    add_run_folder_options();
    add_ablation();
    add_fork();
  }

  CliOptions parse(const std::vector<std::string>& args) {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
      app_.parse(reversed);
    } catch (const CLI::CallForHelp&) {
      options_.show_help = true;
      return options_;
    } catch (const CLI::ParseError& e) {
      throw CliError(std::string(e.what()) + " (see --help)");
    }
    if (options_.show_version) return options_;
    refuse_leftovers();
    options_.ablate = ablate_->parsed();
    options_.fork = fork_->parsed();
    options_.summarize = summarize_->parsed();
    if (options_.summarize) {
      refuse_settings_for_summarize();
      return options_;
    }
    if (options_.ablate && out_->count() == 0) options_.out_dir = "moelab-ablation";
    check_run_folder_options();
    apply_settings();
    apply_grid_options();
    return options_;
  }

  // Ablation's own options included: one page for readers and for help2man.
  std::string help() const { return app_.help("", CLI::AppFormatMode::All); }

 private:
  void add_output_options() {
    app_.add_option("--config", config_file_,
                    wrapped("Base settings from an experiment file (JSON, the format the window "
                            "saves)."))
        ->type_name("FILE")
        ->group(kFiles);
    out_ = app_.add_option("--out", options_.out_dir,
                           wrapped("The run's folder, written as the run goes: config.json, "
                                   "status.json, metrics.csv, events.csv, timing.csv, "
                                   "field.csv (growth schnakenberg), checkpoints/, "
                                   "report.md/.json. Created and checked writable "
                                   "before training."))
               ->type_name("DIR")
               ->default_str(options_.out_dir)
               ->group(kFiles);
    app_.add_option("--log-level", options_.log_level,
                    "trace, debug, info, warn, error or off.")
        ->type_name("LEVEL")
        ->default_str(options_.log_level)
        ->group(kFiles);
    app_.add_flag("--quiet", options_.quiet, "No progress lines on stderr.")->group(kFiles);
    app_.add_option("--set", set_texts_,
                    wrapped("Any setting by its key in the experiment file, e.g. "
                            "fixes.cooldown_epochs=3; applied after the other flags. Repeatable."))
        ->type_name("KEY=VALUE")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(kFiles);
  }

  // The preset, and flags that set a switch and its parameter at once, ranged by the catalog's
  // parameter.
  void add_shortcuts() {
    app_.add_option("--preset", preset_,
                    wrapped("Teaching preset: sets the three switches and the few settings its "
                            "scenario needs."))
        ->type_name(presets_list())
        ->group(setting("fixes.projection_fix").group);
    dataset_ = app_.add_option("--dataset")
                   ->description(wrapped("The data set: the embedded UCI digits, synthetic "
                                         "clusters, or an IDX folder (MNIST format)."))
                   ->type_name("digits|synthetic|idx:DIR")
                   ->default_str("digits")
                   ->group(setting("data.kind").group);
    cooldown_ = app_.add_option("--cooldown")
                    ->description("Epochs between splits, 0 = off. Range " +
                                  describe_range(setting("fixes.cooldown_epochs")) + ".")
                    ->type_name("N")
                    ->default_str(std::to_string(FixSwitches{}.cooldown_epochs))
                    ->group(setting("fixes.cooldown_epochs").group);
    entropy_ = app_.add_option("--entropy-weight")
                   ->description("Entropy load-balancing weight, 0 = off. Range " +
                                 describe_range(setting("fixes.entropy_weight")) + ".")
                   ->type_name("X")
                   ->default_str(value_text(FixSwitches{}.entropy_weight))
                   ->group(setting("fixes.entropy_weight").group);
  }

  void add_run_folder_options() {
    app_.add_flag("--force", options_.force,
                  wrapped("Replace the run the output folder holds (finished or not)."))
        ->group(kRunFolders);
    resume_ = app_.add_option("--resume", options_.resume_dir,
                              wrapped("Continue the unfinished run in DIR from its newest "
                                      "checkpoint, with the settings in DIR/config.json."))
                  ->type_name("DIR")
                  ->group(kRunFolders);
    app_.add_option("--checkpoint-every", checkpoint_text_,
                    wrapped("Epochs between checkpoints; 0 = only at splits and at the end. The "
                            "last one and those at every split are kept. 0..100000."))
        ->type_name("N")
        ->default_str(std::to_string(options_.checkpoint_every))
        ->group(kRunFolders);
  }

  void add_fork() {
    fork_ = app_.add_subcommand(
        "fork", "A new run from DIR's state after epoch N, with the switches, --lr or "
                "--growth-epochs given changed from epoch N + 1; --out is its own folder.");
    fork_->fallthrough();
    fork_->allow_extras();
    fork_->add_option("DIR", options_.fork_parent, "The parent run's folder.")
        ->required()
        ->group(kFork);
    fork_->add_option("--at-epoch", fork_epoch_text_,
                      "The parent's finished epoch the fork starts after (0 = from the start).")
        ->type_name("N")
        ->required()
        ->group(kFork);
  }

  // What --resume and fork can be given with: a resumed run's settings are its folder's, a fork
  // needs a folder of its own.
  void check_run_folder_options() {
    if (!checkpoint_text_.empty()) {
      options_.checkpoint_every = parsed_count("--checkpoint-every", checkpoint_text_, 0, 100000);
    }
    if (options_.fork) {
      if (!config_file_.empty()) {
        throw CliError("fork takes its settings from DIR/config.json; --config cannot be given");
      }
      if (out_->count() == 0) throw CliError("fork needs --out NEW, the fork's own folder");
      options_.fork_epoch = parsed_count("--at-epoch", fork_epoch_text_, 0, 1000000);
    }
    if (resume_->count() == 0) return;
    if (options_.ablate || options_.fork) {
      throw CliError("--resume continues one run: moelab-cli --resume DIR");
    }
    std::string given;
    for (const auto& [option, s] : settings_) {
      if (option->count() > 0 && given.empty()) given = s->flag;
    }
    const std::pair<const CLI::Option*, const char*> others[] = {
        {dataset_, "--dataset"}, {cooldown_, "--cooldown"}, {entropy_, "--entropy-weight"},
        {out_, "--out"}};
    for (const auto& [option, flag] : others) {
      if (option->count() > 0 && given.empty()) given = flag;
    }
    if (given.empty() && !config_file_.empty()) given = "--config";
    if (given.empty() && !preset_.empty()) given = "--preset";
    if (given.empty() && options_.force) given = "--force";
    if (!given.empty()) {
      throw CliError("--resume continues the run with the settings in its config.json; " + given +
                     " cannot be given with it (fork the run to change settings)");
    }
  }

  void add_ablation() {
    ablate_ = app_.add_subcommand(
        "ablate", "Runs arms x seeds; writes DIR/summary.json, .csv, .md and every run's folder.");
    ablate_->fallthrough();
    ablate_->allow_extras();
    ablate_->add_option("--arms", options_.arms, "grid, ab, or codes such as pce,PCE,pCe.")
        ->type_name("SPEC")
        ->default_str(options_.arms)
        ->group(kAblation);
    ablate_->add_option("--vary", vary_texts_,
                        wrapped("Cross the arms with these values of any setting (its key in "
                                "the experiment file), paired over the same seeds. Repeatable."))
        ->type_name("KEY=V1,V2,...")
        ->group(kAblation);
    ablate_->add_option("--seeds", seeds_text_, "Seeds --seed, --seed+1, ...; 1..10000.")
        ->type_name("N")
        ->default_str(std::to_string(options_.seed_count))
        ->group(kAblation);
    ablate_->add_option("--jobs", jobs_text_,
                        "Runs at once, each single-threaded; 0 = one per usable CPU. 0..1024.")
        ->type_name("N")
        ->default_str("0")
        ->group(kAblation);
    ablate_->add_flag("--list", options_.list,
                      wrapped("Print one self-contained moelab-cli command per run the grid "
                              "still lacks (every setting written out, its own --out under "
                              "DIR) and run nothing: ablate ... --list | parallel."))
        ->group(kAblation);
    ablate_->add_option("--shard", shard_text_,
                        wrapped("Run the I-th of N slices of the grid (I from 1), no summary; "
                                "slurm: this Slurm array task's slice."))
        ->type_name("I/N|slurm")
        ->group(kAblation);
    summarize_ = app_.add_subcommand(
        "summarize",
        wrapped("Writes DIR/summary.json, .csv, .md from the grid's run folders alone, as one "
                "ablate call would; exit 1 when runs are missing."));
    summarize_->fallthrough();  // --quiet and --log-level after DIR
    summarize_->add_option("DIR", options_.summarize_dir, "The grid's folder (ablate --out).")
        ->required();
    app_.require_subcommand(0, 1);
  }

  std::vector<std::string> known_flags() const {
    std::vector<std::string> flags;
    for (const auto* app : {&app_, static_cast<const CLI::App*>(ablate_),
                            static_cast<const CLI::App*>(fork_),
                            static_cast<const CLI::App*>(summarize_)}) {
      for (const auto* option : app->get_options()) {
        for (const auto& name : option->get_lnames()) flags.push_back("--" + name);
      }
    }
    return flags;
  }

  void refuse_leftovers() const {
    auto leftovers = app_.remaining();
    for (const auto* sub : {ablate_, fork_, summarize_}) {
      const auto more = sub->remaining();
      leftovers.insert(leftovers.end(), more.begin(), more.end());
    }
    if (leftovers.empty()) return;
    if (leftovers.front() == "--") {
      // Everything after "--" is an argument, and moelab-cli takes none.
      const std::string word = leftovers.size() > 1 ? leftovers[1] : "--";
      throw CliError("unexpected argument '" + word + "' after -- (see --help)");
    }
    const std::string& word = leftovers.front();
    std::string message = "unknown option '" + word + "'";
    if (word.rfind("-", 0) != 0) message = "unexpected argument '" + word + "'";
    const std::string name = word.substr(0, word.find('='));
    std::string best;
    std::size_t best_distance = 3;  // farther than two edits is no longer a typo
    for (const auto& flag : known_flags()) {
      const auto d = distance(name, flag);
      if (d < best_distance) {
        best_distance = d;
        best = flag;
      }
    }
    if (!best.empty()) message += "; did you mean " + best + "?";
    throw CliError(message + " (see --help)");
  }

  void apply_settings() {
    RunConfig& config = options_.config;
    try {
      if (options_.fork) config = load_config_file(options_.fork_parent + "/config.json");
      if (!config_file_.empty()) config = load_config_file(config_file_);
      if (!preset_.empty()) config = find_preset(preset_).apply(config);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::invalid_argument& e) {
      throw CliError(std::string("--preset: ") + e.what());
    }
    apply_shortcuts(config);
    for (const auto& [option, s] : settings_) {
      if (option->count() == 0) continue;
      s->set(config, parsed(s->flag, *s, option->results().back()));
    }
    apply_set_texts(config);
    try {
      check_log_level(options_.log_level);
    } catch (const std::invalid_argument& e) {
      throw CliError(std::string("--log-level: ") + e.what());
    }
    if (!seeds_text_.empty()) options_.seed_count = parsed_count("--seeds", seeds_text_, 1, 10000);
    if (!jobs_text_.empty()) options_.jobs = parsed_count("--jobs", jobs_text_, 0, 1024);
    if (options_.ablate) {
      try {
        parse_arms(options_.arms, config.fixes);
      } catch (const std::invalid_argument& e) {
        throw CliError(std::string("--arms: ") + e.what());
      }
      check_seed_range(config);
      apply_vary_texts(config);
    }
    try {
      validate(config);
    } catch (const std::invalid_argument& e) {
      throw CliError(std::string("invalid settings: ") + e.what());
    }
  }

  static SettingValue parsed(const std::string& flag, const Setting& s, const std::string& text) {
    try {
      return parse_setting_text(s, text);
    } catch (const std::invalid_argument& e) {
      throw CliError(flag + ": " + e.what());
    }
  }

  static int parsed_count(const std::string& flag, const std::string& text, int minimum,
                          int maximum) {
    Setting range;
    range.type = SettingType::Integer;
    range.integer_minimum = minimum;
    range.integer_maximum = maximum;
    return static_cast<int>(std::get<std::int64_t>(parsed(flag, range, text)));
  }

  // --set KEY=VALUE, in the order given.
  void apply_set_texts(RunConfig& config) const {
    for (const auto& text : set_texts_) {
      const auto equals = text.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw CliError("--set: " + quoted_as_written(text) + " must be KEY=VALUE");
      }
      const std::string key = text.substr(0, equals);
      const Setting& s = named_setting("--set", key);
      s.set(config, parsed("--set " + key, s, text.substr(equals + 1)));
    }
  }

  // The setting `flag` names by its key, or a CliError with the nearest key: one a few edits
  // away, else the one whose last part or flag was written ("growth", "top-k" or "--top-k").
  static const Setting& named_setting(const std::string& flag, const std::string& key) {
    if (const Setting* s = find_setting(key)) return *s;
    std::string best;
    std::size_t best_distance = 4;
    for (const auto& candidate : setting_catalog()) {
      const auto d = distance(key, candidate.key);
      if (d < best_distance) {
        best_distance = d;
        best = candidate.key;
      }
    }
    const std::string bare = key.rfind("--", 0) == 0 ? key.substr(2) : key;
    for (const auto& candidate : setting_catalog()) {
      if (!best.empty()) break;
      const auto dot = candidate.key.rfind('.');
      const bool last_part = dot != std::string::npos && candidate.key.substr(dot + 1) == bare;
      if (last_part || (!candidate.flag.empty() && candidate.flag.substr(2) == bare)) {
        best = candidate.key;
      }
    }
    throw CliError(flag + ": no setting is named " + quoted_as_written(key) +
                   (best.empty() ? std::string(" (the keys are an experiment file's)")
                                 : "; did you mean " + best + "?"));
  }

  // --vary KEY=V1,V2,..., crossed with the arms; every crossed arm's settings must be valid.
  void apply_vary_texts(const RunConfig& config) {
    for (const auto& text : vary_texts_) {
      const auto equals = text.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw CliError("--vary: " + quoted_as_written(text) + " must be KEY=V1,V2,...");
      }
      const std::string key = text.substr(0, equals);
      named_setting("--vary", key);
      try {
        options_.variations.push_back(parse_variation(key, text.substr(equals + 1)));
      } catch (const std::invalid_argument& e) {
        throw CliError(std::string("--vary ") + e.what());
      }
    }
    std::vector<Arm> arms;
    try {
      arms = cross_arms(parse_arms(options_.arms, config.fixes), options_.variations);
    } catch (const std::invalid_argument& e) {
      throw CliError(std::string("--vary: ") + e.what());
    }
    for (const auto& arm : arms) {
      try {
        validate(arm_config(config, arm));
      } catch (const std::invalid_argument& e) {
        throw CliError("arm '" + arm.name + "' has invalid settings: " + e.what());
      }
    }
  }

  void apply_grid_options() {
    if (!options_.ablate || shard_text_.empty()) return;
    try {
      options_.shard = parse_grid_shard(shard_text_);
    } catch (const std::invalid_argument& e) {
      throw CliError(e.what());
    }
  }

  // summarize reads everything from DIR: a setting given with it would be silently unused.
  void refuse_settings_for_summarize() const {
    for (const auto* option : app_.get_options()) {
      if (option->count() == 0) continue;
      const std::string name = option->get_name();
      if (name == "--log-level" || name == "--quiet") continue;
      throw CliError("summarize reads the grid from DIR alone; " + name +
                     " is not used there (see --help)");
    }
    try {
      check_log_level(options_.log_level);
    } catch (const std::invalid_argument& e) {
      throw CliError(std::string("--log-level: ") + e.what());
    }
  }

  void apply_shortcuts(RunConfig& config) const {
    if (dataset_->count() > 0) apply_dataset(dataset_->results().back(), config.data);
    if (cooldown_->count() > 0) {
      const auto epochs = std::get<std::int64_t>(
          parsed("--cooldown", setting("fixes.cooldown_epochs"), cooldown_->results().back()));
      config.fixes.cooldown = epochs > 0;
      if (epochs > 0) config.fixes.cooldown_epochs = static_cast<int>(epochs);
    }
    if (entropy_->count() > 0) {
      const double weight = std::get<double>(
          parsed("--entropy-weight", setting("fixes.entropy_weight"), entropy_->results().back()));
      config.fixes.entropy_loss = weight > 0;
      if (weight > 0) config.fixes.entropy_weight = weight;
    }
  }

  static void apply_dataset(const std::string& text, DataConfig& data) {
    if (text == "digits") {
      data.kind = DatasetKind::Digits;
    } else if (text == "synthetic") {
      data.kind = DatasetKind::Synthetic;
    } else if (text.rfind("idx:", 0) == 0 && text.size() > 4) {
      data.kind = DatasetKind::Idx;
      data.idx_dir = text.substr(4);
    } else {
      throw CliError("--dataset: " + quoted_as_written(text) +
                     " must be digits, synthetic or idx:FOLDER");
    }
  }

  // Seeds seed, seed+1, ..., seed+count-1 must all be seeds a run can be given.
  void check_seed_range(const RunConfig& config) const {
    const auto& seed = setting("training.seed");
    const auto last_allowed = static_cast<std::uint64_t>(seed.integer_maximum);
    const auto count = static_cast<std::uint64_t>(options_.seed_count);
    if (config.training.seed > last_allowed - (count - 1)) {
      throw CliError("--seeds: " + std::to_string(count) + " seeds from " +
                     std::to_string(config.training.seed) + " pass the largest seed, " +
                     std::to_string(last_allowed));
    }
  }

  CLI::App app_{"", "moelab-cli"};
  CLI::App* ablate_ = nullptr;
  CLI::App* fork_ = nullptr;
  CLI::App* summarize_ = nullptr;
  CLI::Option* out_ = nullptr;
  CLI::Option* resume_ = nullptr;
  CLI::Option* dataset_ = nullptr;
  CLI::Option* cooldown_ = nullptr;
  CLI::Option* entropy_ = nullptr;
  std::vector<std::pair<CLI::Option*, const Setting*>> settings_;
  std::string config_file_;
  std::string preset_;
  std::string seeds_text_;
  std::string jobs_text_;
  std::string checkpoint_text_;
  std::string fork_epoch_text_;
  std::string shard_text_;
  std::vector<std::string> set_texts_;
  std::vector<std::string> vary_texts_;
  CliOptions options_;
};

}  // namespace

CliOptions parse_cli_options(const std::vector<std::string>& args) {
  return CliParser().parse(args);
}

std::string cli_usage() { return CliParser().help(); }

}  // namespace moelab
