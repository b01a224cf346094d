#pragma once
// Where this process's cgroup limits live: the folders of its cgroup in each hierarchy that holds a
// controller (cgroup v2's unified tree, or the v1 tree mounted with that controller), found from
// /proc/self/cgroup and /proc/self/mountinfo. The CPU budget reads its quotas there, the memory
// budget its limits. A limit on any ancestor applies to its descendants too, so readers walk from
// the process's folder up to the hierarchy's mount.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace moelab {

struct CgroupFolder {
  bool v2 = false;
  std::filesystem::path mount_point;  // the hierarchy's top
  std::filesystem::path folder;       // the process's folder under it
};

// The process's folders in every hierarchy that holds `controller` ("cpu", "memory"). Reads `proc_self_cgroup` and `proc_self_mountinfo` (the /proc/self files);
// mount points are taken under `filesystem_root` (empty for the running system).
std::vector<CgroupFolder> cgroup_folders(const std::string& controller,
                                         const std::string& proc_self_cgroup,
                                         const std::string& proc_self_mountinfo,
                                         const std::string& filesystem_root = "");

// `folder.folder` and each ancestor up to the mount point, innermost first. A folder the cgroup
// namespace hides (inside a container the path may not exist under the mount) is listed anyway:
// reading it simply finds nothing, and its ancestors are still read.
std::vector<std::filesystem::path> folder_and_ancestors(const CgroupFolder& folder);

// The text of a small kernel file; empty when it cannot be read.
std::string read_small_text_file(const std::filesystem::path& path);

// The number a cgroup file holds ("123\n"); nullopt for "max", a missing file or anything else.
std::optional<long long> read_cgroup_number(const std::filesystem::path& path);

}  // namespace moelab
