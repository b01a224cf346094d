#include "util/cgroup_folders.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace moelab {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

std::string trimmed(std::string text) {
  const auto last = text.find_last_not_of(" \t\r\n");
  text.erase(last == std::string::npos ? 0 : last + 1);
  return text;
}

struct Mount {
  std::string root;         // the folder of the hierarchy the mount shows
  std::string mount_point;
  std::string fstype;
  std::vector<std::string> super_options;
};

std::vector<Mount> cgroup_mounts(const std::string& mountinfo) {
  std::vector<Mount> mounts;
  for (const auto& line : split(mountinfo, '\n')) {
    std::istringstream fields(line);
    std::vector<std::string> words;
    for (std::string word; fields >> word;) words.push_back(word);
    const auto dash = std::find(words.begin(), words.end(), "-");
    if (words.size() < 5 || dash == words.end() || words.end() - dash < 4) continue;
    Mount m{words[3], words[4], *(dash + 1), split(*(dash + 3), ',')};
    if (m.fstype == "cgroup2" || m.fstype == "cgroup") mounts.push_back(std::move(m));
  }
  return mounts;
}

bool contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The process's folder under a mount: its cgroup path made relative to the mount's root. Inside a
// cgroup namespace the path is already relative to the namespace's root, which is the mount's.
fs::path folder_under(const Mount& mount, const std::string& cgroup_path,
                      const std::string& filesystem_root) {
  std::string relative = cgroup_path;
  if (mount.root != "/" && relative.rfind(mount.root, 0) == 0) {
    relative = relative.substr(mount.root.size());
  }
  return fs::path(filesystem_root + mount.mount_point) / fs::path(relative).relative_path();
}

}  // namespace

std::string read_small_text_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return in ? text.str() : std::string();
}

std::optional<long long> read_cgroup_number(const fs::path& path) {
  const std::string text = trimmed(read_small_text_file(path));
  long long value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::vector<CgroupFolder> cgroup_folders(const std::string& controller,
                                         const std::string& proc_self_cgroup,
                                         const std::string& proc_self_mountinfo,
                                         const std::string& filesystem_root) {
  const auto mounts = cgroup_mounts(read_small_text_file(proc_self_mountinfo));
  std::vector<CgroupFolder> found;
  for (const auto& line : split(read_small_text_file(proc_self_cgroup), '\n')) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const auto controllers = split(line.substr(first + 1, second - first - 1), ',');
    const std::string path = trimmed(line.substr(second + 1));
    const bool v2 = line.substr(0, first) == "0" && controllers.empty();
    if (!v2 && !contains(controllers, controller)) continue;
    for (const auto& mount : mounts) {
      const bool matches = v2 ? mount.fstype == "cgroup2"
                              : mount.fstype == "cgroup" && contains(mount.super_options, controller);
      if (!matches) continue;
      found.push_back({v2, filesystem_root + mount.mount_point,
                       folder_under(mount, path, filesystem_root)});
      break;
    }
  }
  return found;
}

std::vector<fs::path> folder_and_ancestors(const CgroupFolder& cgroup) {
  std::vector<fs::path> folders;
  fs::path folder = cgroup.folder.lexically_normal();
  const fs::path top = cgroup.mount_point.lexically_normal();
  for (;;) {
    folders.push_back(folder);
    if (folder == top || !folder.has_relative_path() || folder.parent_path() == folder) break;
    folder = folder.parent_path();
  }
  return folders;
}

}  // namespace moelab
