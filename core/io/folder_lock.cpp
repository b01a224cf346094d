#include "io/folder_lock.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace moelab {

FolderLock::FolderLock(const std::string& dir)
    : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error(dir + ": cannot open the folder (" + std::strerror(errno) + ")");
}

FolderLock::~FolderLock() { ::close(fd_); }

bool FolderLock::try_lock() { return ::flock(fd_, LOCK_EX | LOCK_NB) == 0; }

bool FolderLock::held_elsewhere(const std::string& dir) {
  try {
    FolderLock probe(dir);
    return !probe.try_lock();
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace moelab
