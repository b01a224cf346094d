#include "io/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace moelab {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
  throw FileError(path + ": " + what + " (" + std::strerror(error) + ")");
}

// Tests that kill a run between a file's write and its rename set
// MOELAB_TEST_RENAME_DELAY_MS to widen that window; unset, it costs nothing.
void wait_before_rename_for_tests() {
  static const int delay_ms = [] {
    const char* text = std::getenv("MOELAB_TEST_RENAME_DELAY_MS");
    return text ? std::atoi(text) : 0;
  }();
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

void write_all(int fd, const std::string& path, const std::string& content) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const auto written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(path, "write failed", errno);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

void sync_folder_of(const std::string& path) {
  const auto folder = std::filesystem::path(path).parent_path();
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content, Sync sync) {
  // A name of its own per process and call: shards of a grid may write the same file at once.
  static std::atomic<unsigned> calls = 0;
  const std::string temporary =
      path + "." + std::to_string(::getpid()) + "-" + std::to_string(calls++) + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot open for writing", errno);
  try {
    write_all(fd, path, content);
    if (sync == Sync::Disk && ::fsync(fd) != 0) fail(path, "cannot write to disk", errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(path, "write failed", error);
  }
  wait_before_rename_for_tests();
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(path, "cannot replace the file", error);
  }
  if (sync == Sync::Disk) sync_folder_of(path);
}

void append_to_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot open for appending", errno);
  const auto before = ::lseek(fd, 0, SEEK_END);
  try {
    write_all(fd, path, text);
  } catch (...) {
    // A row cut short by a full disk is taken back, so the file ends with whole rows.
    if (before >= 0 && ::ftruncate(fd, before) != 0) {
      // Nothing more to do: readers skip a last line without its newline.
    }
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) fail(path, "write failed", errno);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path + ": cannot open the file");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw FileError(path + ": cannot read the file");
  return bytes.str();
}

}  // namespace moelab
