#pragma once
// An exclusive lock on a folder (flock on the folder itself) for as long as the object lives.
// The kernel drops it when the process ends, however it ends, so a lock is never left behind.

#include <string>

namespace moelab {

class FolderLock {
 public:
  // Throws std::runtime_error with the system's reason when the folder cannot be opened.
  explicit FolderLock(const std::string& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  // Takes the lock if no one holds it; false when another holder (any process, or another
  // FolderLock in this one) has it.
  bool try_lock();

  // Whether some holder has the folder locked right now (false for a missing folder).
  static bool held_elsewhere(const std::string& dir);

 private:
  int fd_ = -1;
};

}  // namespace moelab
