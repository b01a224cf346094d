#include "util/error_sentence.h"

#include <c10/util/Exception.h>

#include <cstdio>
#include <regex>

#include "util/memory_budget.h"

namespace moelab {

namespace {

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  std::string line = text.substr(0, end);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string libtorch_sentence(const c10::Error& error) {
  std::string line = first_line(error.what_without_backtrace());
  // "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: ..." : the location and the
  // failed condition mean nothing to a user.
  static const std::regex enforce(R"(^\[enforce fail at [^\]]*\]\s*[^.]*\.\s*)");
  line = std::regex_replace(line, enforce, "");
  static const std::regex allocation(R"(can't allocate memory: you tried to allocate (\d+) bytes)");
  std::smatch match;
  if (std::regex_search(line, match, allocation)) {
    return "LibTorch could not allocate " + memory_text(std::stoull(match[1].str())) +
           " (out of memory)";
  }
  return "LibTorch: " + line;
}

}  // namespace

bool is_libtorch_error(const std::exception& error) {
  return dynamic_cast<const c10::Error*>(&error) != nullptr;
}

std::string error_sentence(const std::exception& error) {
  if (const auto* libtorch = dynamic_cast<const c10::Error*>(&error)) return libtorch_sentence(*libtorch);
  return first_line(error.what());
}

}  // namespace moelab
