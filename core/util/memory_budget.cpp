#include "util/memory_budget.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "util/cgroup_folders.h"

namespace moelab {

namespace {

namespace fs = std::filesystem;

// cgroup v1 writes "no limit" as the largest page-aligned 63-bit number; anything above this is
// no limit at all.
constexpr long long kNoLimit = 1LL << 60;

struct Headroom {
  std::uint64_t bytes = 0;
  fs::path limit_file;
};

// The headroom under one folder's limit, when it has one.
std::optional<Headroom> folder_headroom(bool v2, const fs::path& folder) {
  const fs::path limit_file = folder / (v2 ? "memory.max" : "memory.limit_in_bytes");
  const auto limit = read_cgroup_number(limit_file);
  if (!limit || *limit <= 0 || *limit >= kNoLimit) return std::nullopt;
  const auto used = read_cgroup_number(folder / (v2 ? "memory.current" : "memory.usage_in_bytes"));
  const long long room = std::max(0LL, *limit - used.value_or(0));
  return Headroom{static_cast<std::uint64_t>(room), limit_file};
}

}  // namespace

std::optional<std::uint64_t> mem_available_bytes(const std::string& meminfo_text) {
  std::istringstream lines(meminfo_text);
  for (std::string line; std::getline(lines, line);) {
    unsigned long long kib = 0;
    if (std::sscanf(line.c_str(), "MemAvailable: %llu kB", &kib) == 1) return kib * 1024;
  }
  return std::nullopt;
}

MemoryBudget available_memory(const std::string& proc_meminfo, const std::string& proc_self_cgroup,
                              const std::string& proc_self_mountinfo,
                              const std::string& filesystem_root) {
  MemoryBudget budget;
  if (const auto available = mem_available_bytes(read_small_text_file(proc_meminfo))) {
    budget = {*available, "MemAvailable in " + proc_meminfo};
  } else {
    // Without /proc there is nothing to go by; no refusal rather than a wrong one.
    budget = {UINT64_MAX, "no /proc/meminfo"};
  }
  for (const auto& cgroup :
       cgroup_folders("memory", proc_self_cgroup, proc_self_mountinfo, filesystem_root)) {
    for (const auto& folder : folder_and_ancestors(cgroup)) {
      const auto headroom = folder_headroom(cgroup.v2, folder);
      if (headroom && headroom->bytes < budget.bytes) {
        budget = {headroom->bytes, "the cgroup memory limit " + headroom->limit_file.string() +
                                       " less what the cgroup already uses"};
      }
    }
  }
  return budget;
}

MemoryBudget available_memory() {
  return available_memory("/proc/meminfo", "/proc/self/cgroup", "/proc/self/mountinfo");
}

std::string memory_text(std::uint64_t bytes) {
  constexpr double kKiB = 1024.0;
  const double value = static_cast<double>(bytes);
  char text[32];
  if (value >= kKiB * kKiB * kKiB * kKiB) {
    std::snprintf(text, sizeof text, "%.1f TiB", value / (kKiB * kKiB * kKiB * kKiB));
  } else if (value >= kKiB * kKiB * kKiB) {
    std::snprintf(text, sizeof text, "%.1f GiB", value / (kKiB * kKiB * kKiB));
  } else if (value >= kKiB * kKiB) {
    std::snprintf(text, sizeof text, "%.0f MiB", value / (kKiB * kKiB));
  } else {
    std::snprintf(text, sizeof text, "%.0f KiB", std::max(1.0, value / kKiB));
  }
  return text;
}

}  // namespace moelab
