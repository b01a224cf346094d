#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace moelab {

namespace {

// What a path is when it is not a regular file, in words.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Why a path could not be looked at or opened, in words, from errno.
std::string reason_of(int error, const std::string& path, bool folder) {
  switch (error) {
    case ENOENT: {
      struct stat link {};
      if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
        return "it is a symbolic link to something that does not exist";
      }
      return folder ? "no such folder" : "no such file";
    }
    case EACCES:
    case EPERM:
      return "permission denied";
    case ELOOP:
      return "it is a symbolic link loop";
    case ENOTDIR:
      return "a part of the path before its last name is not a folder";
    case ENAMETOOLONG:
      return "the path is too long";
    default:
      return std::strerror(error);
  }
}

std::string cannot_open(const std::string& path, const std::string& expected,
                        const std::string& reason) {
  return path + ": cannot open " + expected + ": " + reason;
}

}  // namespace

InputFile::InputFile(const std::string& path, const std::string& expected)
    : path_(path), expected_(expected) {
  // Look before opening: opening a FIFO would wait for a writer, and some devices act when opened.
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) fail(reason_of(errno, path, false));
  if (!S_ISREG(status.st_mode)) {
    fail("it is " + kind_of(status.st_mode) + (S_ISDIR(status.st_mode) ? "" : ", not a regular file"));
  }
  // O_NONBLOCK: should the path have been swapped for a FIFO since, open still returns at once.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd_ < 0) fail(reason_of(errno, path, false));
  if (::fstat(fd_, &status) != 0 || !S_ISREG(status.st_mode)) {
    fail("it is " + kind_of(status.st_mode) + ", not a regular file");
  }
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
  size_ = static_cast<std::uint64_t>(status.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)),
      expected_(std::move(other.expected_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    expected_ = std::move(other.expected_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

void InputFile::fail(const std::string& problem) const {
  if (fd_ >= 0) ::close(fd_);
  throw InputFileError(cannot_open(path_, expected_, problem));
}

std::size_t InputFile::read(std::uint8_t* out, std::size_t count) {
  std::size_t done = 0;
  while (done < count) {
    const ssize_t got = ::read(fd_, out + done, count - done);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputFileError(path_ + ": read error (" + std::strerror(errno) + ")");
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void InputFile::seek(std::uint64_t offset) {
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    throw InputFileError(path_ + ": cannot seek (" + std::strerror(errno) + ")");
  }
}

std::vector<std::uint8_t> InputFile::read_all(std::size_t max_bytes) {
  if (size_ > max_bytes) {
    throw InputFileError(path_ + ": " + std::to_string(size_) + " bytes is larger than the " +
                         std::to_string(max_bytes) + "-byte limit for " + expected_);
  }
  // One byte more than the size, to notice a file that grew since it was opened.
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size_) + 1);
  bytes.resize(read(bytes.data(), bytes.size()));
  if (bytes.size() > max_bytes) {
    throw InputFileError(path_ + ": larger than the " + std::to_string(max_bytes) +
                         "-byte limit for " + expected_);
  }
  return bytes;
}

void require_readable_folder(const std::string& path, const std::string& expected) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    throw InputFileError(cannot_open(path, expected, reason_of(errno, path, true)));
  }
  if (!S_ISDIR(status.st_mode)) {
    const std::string kind = S_ISREG(status.st_mode) ? "a regular file" : kind_of(status.st_mode);
    throw InputFileError(cannot_open(path, expected, "it is " + kind + ", not a folder"));
  }
  // Opening it as the lab will is the only test that counts (access() asks for the real user,
  // not the effective one, and ignores dropped capabilities).
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw InputFileError(cannot_open(path, expected, reason_of(errno, path, true)));
  ::close(fd);
}

bool path_entry_exists(const std::string& path, const std::string& expected) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) == 0) return true;
  if (errno == ENOENT) return false;
  throw InputFileError(cannot_open(path, expected, reason_of(errno, path, false)));
}

}  // namespace moelab
