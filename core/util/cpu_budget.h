#pragma once
// How many CPUs this process may really use. The machine's core count
// (std::thread::hardware_concurrency) overcounts whenever the process is confined: an affinity
// mask (taskset, Slurm's task binding, a container's cpuset) allows fewer CPUs, and a CPU-time
// quota (cgroup v2 cpu.max, cgroup v1 CFS quota: Slurm's cgroup plugin, docker --cpus,
// systemd's CPUQuota=) lets the process run on all of them but only for part of the time. Running
// one worker per core there oversubscribes the allocation.

#include <string>
#include <string_view>

namespace moelab {

// The CPUs in the affinity mask, capped by the tightest CPU quota on the process's cgroup and its
// ancestors (rounded up: a quota of 1.5 CPUs allows 2 workers). At least 1.
int usable_cpu_count();

// The pieces, for tests and for other roots than the running system's.

// CPUs in this process's affinity mask; hardware_concurrency when the mask cannot be read.
int affinity_cpu_count();

// CPUs a quota of `quota_us` every `period_us` allows, rounded up; 0 when unlimited (a quota of
// -1, or "max") or not a quota at all.
int quota_cpus(long long quota_us, long long period_us);

// The same from a cgroup v2 cpu.max file's text: "max 100000" or "150000 100000".
int cpu_max_cpus(std::string_view cpu_max);

// The tightest quota on the process's cgroup and every ancestor up to the hierarchy's mount, in
// CPUs (0 = none). Reads `proc_self_cgroup` and `proc_self_mountinfo` (the /proc/self files) and
// the cgroup files under `filesystem_root` + the mount points they name, for cgroup v2 and v1.
int cgroup_quota_cpus(const std::string& proc_self_cgroup, const std::string& proc_self_mountinfo,
                      const std::string& filesystem_root = "");

// The affinity count capped by a quota (0 = no quota), at least 1.
int cpu_budget(int affinity_cpus, int quota_cpus);

}  // namespace moelab
