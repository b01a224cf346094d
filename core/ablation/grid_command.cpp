#include "ablation/grid_command.h"

#include "config/setting_catalog.h"

namespace moelab {

std::string shell_word(std::string_view word) {
  const auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
  };
  bool plain = !word.empty();
  for (char c : word) plain = plain && safe(c);
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string run_command_line(const std::string& program, const RunConfig& config,
                             const std::filesystem::path& out) {
  std::string line = shell_word(program);
  for (const auto& s : setting_catalog()) {
    const std::string value = setting_text(s, config);
    line +=
        ' ' + shell_word(s.flag.empty() ? "--set=" + s.key + "=" + value : s.flag + "=" + value);
  }
  return line + " --quiet " + shell_word("--out=" + out.string());
}

}  // namespace moelab
