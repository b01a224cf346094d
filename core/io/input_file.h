#pragma once
// A file the lab was asked to read: an experiment (config) file, an IDX or CSV data file, a
// comparison file. Opening it refuses a path that is the wrong kind of thing with one sentence
// that says what the path is and what was expected: a folder, a named pipe, a device, a socket,
// a symbolic link loop or one that leads nowhere, a path through a regular file, or one this
// process may not read ("permission denied"). Nothing here blocks: a named pipe is never opened
// for reading (opening one waits for a writer, reading one waits forever), and a device such as
// /dev/zero, which would read without end, is refused before it is opened.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace moelab {

class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InputFile {
 public:
  // `expected` names what the path should hold, for messages: "the experiment file".
  // Throws InputFileError: "PATH: cannot open the experiment file: it is a folder".
  InputFile(const std::string& path, const std::string& expected);
  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  // The size when the file was opened.
  std::uint64_t size() const { return size_; }

  // Reads up to `count` bytes at the current position; fewer only at the end of the file.
  std::size_t read(std::uint8_t* out, std::size_t count);
  void seek(std::uint64_t offset);
  // The whole file. Refuses one larger than `max_bytes` before reading it.
  std::vector<std::uint8_t> read_all(std::size_t max_bytes);

 private:
  [[noreturn]] void fail(const std::string& problem) const;

  std::string path_;
  std::string expected_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// Refuses `path` unless it is a folder this process may list, with the same kind of sentence:
// "PATH: cannot open the IDX data folder: it is a regular file, not a folder".
void require_readable_folder(const std::string& path, const std::string& expected);

// Whether anything (even a broken link) is at `path`. Throws InputFileError for a path that cannot
// be looked at (permission denied on a folder on the way, a symbolic link loop on the way).
bool path_entry_exists(const std::string& path, const std::string& expected);

}  // namespace moelab
