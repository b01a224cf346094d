#pragma once
// Makes file permissions apply to the calling thread while it lives, so that tests can see
// "permission denied" even when they run as root (CI containers do). Root reads any file through
// the CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH capabilities; on Linux capabilities belong to a
// thread, so dropping them from this thread's effective set (and raising them again at the end)
// leaves the rest of the process alone. As another user nothing needs to change.

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

class FileAccessGuard {
 public:
  FileAccessGuard() {
    if (::geteuid() != 0) {
      active_ = true;
      return;
    }
    if (!get(saved_)) return;
    __user_cap_data_struct dropped[2] = {saved_[0], saved_[1]};
    dropped[0].effective &= ~(bit(CAP_DAC_OVERRIDE) | bit(CAP_DAC_READ_SEARCH));
    changed_ = set(dropped);
    active_ = changed_;
  }
  ~FileAccessGuard() {
    if (changed_) set(saved_);
  }
  FileAccessGuard(const FileAccessGuard&) = delete;
  FileAccessGuard& operator=(const FileAccessGuard&) = delete;

  // Whether file modes now apply to this thread; when false, a test should skip.
  bool active() const { return active_; }

 private:
  static std::uint32_t bit(int capability) { return std::uint32_t{1} << capability; }
  static bool get(__user_cap_data_struct (&data)[2]) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    return ::syscall(SYS_capget, &header, data) == 0;
  }
  static bool set(__user_cap_data_struct (&data)[2]) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    return ::syscall(SYS_capset, &header, data) == 0;
  }

  __user_cap_data_struct saved_[2]{};
  bool changed_ = false;
  bool active_ = false;
};
