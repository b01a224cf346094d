#include "cli/cli_help_text.h"

#include "ablation/preset.h"

namespace moelab::cli_help {

std::string presets_list() {
  std::string ids;
  for (const auto& p : presets()) ids += (ids.empty() ? "" : "|") + p.id;
  return ids;
}

std::string footer() {
  return R"(
Every setting can also come from an experiment file (--config, the format the window saves);
flags override it whatever their order. Both --opt VALUE and --opt=VALUE work. --set KEY=VALUE
sets any setting by its key in the experiment file (e.g. --set fixes.cooldown_epochs=3).

Ablation arms: grid (all 8 switch combinations, default), ab (none vs all), or three-letter codes,
upper case = on: P(rojection) C(ooldown) E(ntropy), e.g. pce,PCE,pCe. Arms of a seed are paired.
--vary KEY=V1,V2 crosses the arms with any other setting's values (repeatable: every
combination), e.g. --arms PCE --vary training.learning_rate=0.003,0.01 --vary model.top_k=1,2.
A grid is a folder: DIR/grid.json, one folder per run (DIR/<arm>/seed-<n>), the summary. Runs
with a complete report.json are skipped, so a grid can be resubmitted; --list prints one
moelab-cli command per run still missing (e.g. | parallel), --shard runs one slice, and
`moelab-cli summarize DIR` writes the summary from the run folders.

A run's folder is written as it goes (status.json, the CSV rows of every finished epoch,
checkpoints). Ctrl-C, SIGTERM or SIGHUP: the current step finishes, a checkpoint is written and
the run says how to continue it (--resume DIR); a second Ctrl-C exits at once.

Exit status: 0 trained (the verdict is in the report), 1 a runtime failure (training diverged, with
a NO-GO report written; unreadable data; an output folder that refuses the run or cannot be
written, status.json then says failed), 2 a usage error (bad option, setting, experiment file or
fork), 128 + the signal's number when a signal interrupted the run (130 Ctrl-C, 143 SIGTERM,
129 SIGHUP).
)";
}

std::string type_name(const Setting& s) {
  switch (s.type) {
    case SettingType::Integer: return "N";
    case SettingType::Real: return "X";
    case SettingType::Boolean: return "on|off";
    case SettingType::Choice: {
      std::string names;
      for (const auto& name : s.choices) names += (names.empty() ? "" : "|") + name;
      return names;
    }
    case SettingType::Text: return "TEXT";
  }
  return "VALUE";
}

std::string wrapped(const std::string& text) {
  constexpr std::size_t kTextColumns = 70;
  std::string out;
  std::size_t line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const auto word = text.substr(start, end - start);
    if (line > 0 && line + 1 + word.size() > kTextColumns) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    start = end + 1;
  }
  return out;
}

std::string help_text(const Setting& s) {
  if (s.type == SettingType::Integer || s.type == SettingType::Real) {
    return wrapped(s.help + " Range " + describe_range(s) + ".");
  }
  return wrapped(s.help);
}

}  // namespace moelab::cli_help
