#pragma once
// The two ways the lab writes files. A file rewritten whole (status.json, config.json, the report,
// a checkpoint) goes to a temporary name in the same folder and is renamed over the old one, so
// that a reader, or a run killed at any instant, finds the old version or the new one, never half
// a file. A CSV file grows by appending whole rows with one write each.
//
// A write that fails (disk full, file too large, permissions, a folder gone) throws FileError with
// the file and the system's reason; a failed replacement leaves the old version in place and no
// temporary file behind.

#include <stdexcept>
#include <string>

namespace moelab {

class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Sync {
  // Safe against the process being killed; the kernel writes the data out in its own time.
  Process,
  // Also on disk before returning (fsync of the file and its folder): safe against power loss.
  Disk,
};

void write_file_atomically(const std::string& path, const std::string& content,
                           Sync sync = Sync::Process);

// Appends `text` (whole rows) to `path` with a single write, creating the file if needed.
void append_to_file(const std::string& path, const std::string& text);

// The file's bytes. Throws FileError when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace moelab
