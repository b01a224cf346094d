#pragma once
// How much memory this process may still allocate before the kernel refuses or the OOM killer
// steps in: the machine's MemAvailable, capped by the headroom under the tightest cgroup memory
// limit (v2 memory.max - memory.current, v1 memory.limit_in_bytes - memory.usage_in_bytes) on the
// process's cgroup and its ancestors. A batch job (Slurm's --mem, docker --memory, systemd's
// MemoryMax=) is killed at its limit long before the machine runs out.

#include <cstdint>
#include <optional>
#include <string>

namespace moelab {

struct MemoryBudget {
  std::uint64_t bytes = 0;  // what may still be allocated
  std::string source;       // what set it, for messages: "MemAvailable (/proc/meminfo)", ...
};

MemoryBudget available_memory();

// The pieces, for tests and for other roots than the running system's.

// MemAvailable in bytes from /proc/meminfo's text; nullopt when absent.
std::optional<std::uint64_t> mem_available_bytes(const std::string& meminfo_text);

// As available_memory(), from the given /proc files and the cgroup files under `filesystem_root`.
MemoryBudget available_memory(const std::string& proc_meminfo, const std::string& proc_self_cgroup,
                              const std::string& proc_self_mountinfo,
                              const std::string& filesystem_root = "");

// "1.5 GiB", "512 MiB", "740 KiB": sizes in messages.
std::string memory_text(std::uint64_t bytes);

}  // namespace moelab
