// Lets libFuzzer steer by GCC's coverage. LibTorch 1.13's headers do not compile with clang in
// C++20 (they use std::vector<c10::IValue> while IValue is incomplete, which clang rejects now that
// vector's members are constexpr), so scripts/fuzz.sh compiles the loaders with g++ and only links
// with clang's libFuzzer. GCC can emit -fsanitize-coverage=trace-pc and trace-cmp; libFuzzer 14
// still takes the comparisons but no longer the program counters. The script renames GCC's
// __sanitizer_cov_trace_pc calls to moelab_fuzz_trace_pc, and this file turns each call into an
// increment of an 8-bit counter registered with libFuzzer the way clang's inline counters are.
// Compiled without any instrumentation.

#include <cstddef>
#include <cstdint>

extern "C" {
void __sanitizer_cov_8bit_counters_init(std::uint8_t* start, std::uint8_t* stop);
void __sanitizer_cov_pcs_init(const std::uintptr_t* begin, const std::uintptr_t* end);
}

namespace {

constexpr std::size_t kSlots = std::size_t{1} << 16;  // hashed basic blocks; collisions are rare
std::uint8_t counters[kSlots];
// libFuzzer expects one {pc, flags} pair per counter; the slot number stands in for the pc.
std::uintptr_t pc_table[2 * kSlots];

__attribute__((constructor)) void register_counters() {
  for (std::size_t i = 0; i < kSlots; ++i) pc_table[2 * i] = i + 1;
  __sanitizer_cov_8bit_counters_init(counters, counters + kSlots);
  __sanitizer_cov_pcs_init(pc_table, pc_table + 2 * kSlots);
}

}  // namespace

extern "C" {

void moelab_fuzz_trace_pc() {
  auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  pc ^= pc >> 17;
  pc *= 0x9e3779b97f4a7c15ULL;
  ++counters[(pc >> 40) & (kSlots - 1)];
}

// GCC also reports floating-point comparisons, which libFuzzer has no use for.
void __sanitizer_cov_trace_cmpf(float, float) {}
void __sanitizer_cov_trace_cmpd(double, double) {}

}  // extern "C"
