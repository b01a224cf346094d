#include "util/cpu_budget.h"

#include "util/cgroup_folders.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <thread>
#include <vector>

namespace moelab {

namespace {

namespace fs = std::filesystem;

bool parse_long(std::string_view text, long long& value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end;
}

std::string trimmed(std::string text) {
  const auto last = text.find_last_not_of(" \t\r\n");
  text.erase(last == std::string::npos ? 0 : last + 1);
  return text;
}

int folder_quota_cpus(bool v2, const fs::path& folder) {
  if (v2) return cpu_max_cpus(read_small_text_file(folder / "cpu.max"));
  const auto quota = read_cgroup_number(folder / "cpu.cfs_quota_us");
  const auto period = read_cgroup_number(folder / "cpu.cfs_period_us");
  return quota && period ? quota_cpus(*quota, *period) : 0;
}

// A quota on any ancestor limits its descendants too: the tightest one counts.
int tightest_quota(const CgroupFolder& cgroup) {
  int tightest = 0;
  for (const auto& folder : folder_and_ancestors(cgroup)) {
    const int cpus = folder_quota_cpus(cgroup.v2, folder);
    if (cpus > 0) tightest = tightest == 0 ? cpus : std::min(tightest, cpus);
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
  int tightest = 0;
  for (const auto& cgroup :
       cgroup_folders("cpu", proc_self_cgroup, proc_self_mountinfo, filesystem_root)) {
    const int cpus = tightest_quota(cgroup);
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
