#pragma once
// The engine's boundary with whoever called it (the CLI, the window's worker, the ablation runner):
// whatever goes wrong inside reaches the user as one sentence. LibTorch's errors (c10::Error)
// append a C++ stack trace to what(), and an allocation that fails reads "[enforce fail at
// alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: ...": both are turned
// into a sentence a user can act on.

#include <exception>
#include <stdexcept>
#include <string>

namespace moelab {

// An error from inside LibTorch, already one sentence.
class LibTorchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The first line of the message; for a LibTorch error without its stack trace and enforce prefix,
// and an allocation failure as "LibTorch could not allocate 64.0 GiB (out of memory)".
std::string error_sentence(const std::exception& error);

bool is_libtorch_error(const std::exception& error);

// Runs `work`; a LibTorch error escaping it becomes an LibTorchError with error_sentence().
template <typename Work>
decltype(auto) with_engine_errors(Work&& work) {
  try {
    return work();
  } catch (const std::exception& error) {
    if (is_libtorch_error(error)) throw LibTorchError(error_sentence(error));
    throw;
  }
}

}  // namespace moelab
