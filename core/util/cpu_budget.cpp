#include "util/cpu_budget.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace moelab {

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return in ? text.str() : std::string();
}

bool parse_long(std::string_view text, long long& value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end;
}

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

// A cgroup hierarchy this process belongs to: where it is mounted and the process's folder in it.
struct Hierarchy {
  bool v2 = false;
  fs::path mount_point;
  fs::path cgroup_dir;
};

struct Mount {
  std::string root;  // the folder of the hierarchy the mount shows
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

bool has_cpu_controller(const std::vector<std::string>& controllers) {
  return std::find(controllers.begin(), controllers.end(), "cpu") != controllers.end();
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

std::vector<Hierarchy> cpu_hierarchies(const std::string& proc_self_cgroup,
                                       const std::vector<Mount>& mounts,
                                       const std::string& filesystem_root) {
  std::vector<Hierarchy> found;
  for (const auto& line : split(proc_self_cgroup, '\n')) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const auto controllers = split(line.substr(first + 1, second - first - 1), ',');
    const std::string path = trimmed(line.substr(second + 1));
    const bool v2 = line.substr(0, first) == "0" && controllers.empty();
    if (!v2 && !has_cpu_controller(controllers)) continue;
    for (const auto& mount : mounts) {
      const bool matches = v2 ? mount.fstype == "cgroup2"
                              : mount.fstype == "cgroup" && has_cpu_controller(mount.super_options);
      if (!matches) continue;
      found.push_back(
          {v2, filesystem_root + mount.mount_point, folder_under(mount, path, filesystem_root)});
      break;
    }
  }
  return found;
}

int folder_quota_cpus(const Hierarchy& h, const fs::path& folder) {
  if (h.v2) return cpu_max_cpus(read_text(folder / "cpu.max"));
  long long quota = 0, period = 0;
  if (!parse_long(trimmed(read_text(folder / "cpu.cfs_quota_us")), quota) ||
      !parse_long(trimmed(read_text(folder / "cpu.cfs_period_us")), period)) {
    return 0;
  }
  return quota_cpus(quota, period);
}

// A quota on any ancestor limits its descendants too: the tightest one counts.
int tightest_quota(const Hierarchy& h) {
  int tightest = 0;
  fs::path folder = h.cgroup_dir.lexically_normal();
  const fs::path top = h.mount_point.lexically_normal();
  for (;;) {
    const int cpus = folder_quota_cpus(h, folder);
    if (cpus > 0) tightest = tightest == 0 ? cpus : std::min(tightest, cpus);
    if (folder == top || !folder.has_relative_path() || folder.parent_path() == folder) break;
    folder = folder.parent_path();
  }
  return tightest;
}

}  // namespace

int quota_cpus(long long quota_us, long long period_us) {
  if (quota_us <= 0 || period_us <= 0) return 0;
  return static_cast<int>((quota_us + period_us - 1) / period_us);
}

int cpu_max_cpus(std::string_view cpu_max) {
  const auto space = cpu_max.find(' ');
  if (space == std::string_view::npos) return 0;
  long long quota = 0, period = 0;
  if (!parse_long(cpu_max.substr(0, space), quota)) return 0;  // "max": no quota
  const std::string rest = trimmed(std::string(cpu_max.substr(space + 1)));
  if (!parse_long(rest, period)) return 0;
  return quota_cpus(quota, period);
}

int cgroup_quota_cpus(const std::string& proc_self_cgroup, const std::string& proc_self_mountinfo,
                      const std::string& filesystem_root) {
  const auto mounts = cgroup_mounts(read_text(proc_self_mountinfo));
  int tightest = 0;
  for (const auto& h : cpu_hierarchies(read_text(proc_self_cgroup), mounts, filesystem_root)) {
    const int cpus = tightest_quota(h);
    if (cpus > 0) tightest = tightest == 0 ? cpus : std::min(tightest, cpus);
  }
  return tightest;
}

int affinity_cpu_count() {
  // The mask may be larger than the default cpu_set_t on very large machines: grow until it fits.
  for (int cpus = CPU_SETSIZE; cpus <= (1 << 16); cpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(cpus);
    if (set == nullptr) break;
    const std::size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, set);
    const bool read = sched_getaffinity(0, size, set) == 0;
    const int count = read ? CPU_COUNT_S(size, set) : 0;
    CPU_FREE(set);
    if (read) return count;
    if (errno != EINVAL) break;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int cpu_budget(int affinity_cpus, int quota) {
  const int cpus = quota > 0 ? std::min(affinity_cpus, quota) : affinity_cpus;
  return std::max(1, cpus);
}

int usable_cpu_count() {
  return cpu_budget(affinity_cpu_count(),
                    cgroup_quota_cpus("/proc/self/cgroup", "/proc/self/mountinfo"));
}

}  // namespace moelab
