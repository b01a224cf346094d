#!/usr/bin/env bash
# Fuzzes the data loaders (digits CSV, IDX, gzip) with libFuzzer, AddressSanitizer and UBSan.
#
#   scripts/fuzz.sh [seconds=60] [extra libFuzzer flags...]
#
# Environment: BUILD_DIR (default build-fuzz), JOBS (parallel compiles, default 2).
# Crashing inputs land in $BUILD_DIR/artifacts/; replay one with
#   $BUILD_DIR/fuzz_loaders $BUILD_DIR/artifacts/crash-...
#
# Why two compilers: LibTorch 1.13's headers are not valid C++20 for clang (std::vector of the
# incomplete c10::IValue), so the code under test is compiled by g++ with ASan, UBSan and GCC's
# coverage hooks, then linked by clang++ -fsanitize=fuzzer,address,undefined, which brings
# libFuzzer and the sanitizer runtimes (GCC 12 and clang 14 share the sanitizer ABI).
# tests/fuzz/gcc_coverage_shim.cpp feeds GCC's block coverage to libFuzzer. Kept out of CMake
# because it needs clang and a non-default toolchain mix.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="${BUILD_DIR:-$root/build-fuzz}"
jobs="${JOBS:-2}"
for tool in g++ clang++ objcopy cmake pkg-config; do
  if ! command -v "$tool" > /dev/null; then
    echo "fuzz.sh: $tool not found (needs g++, clang, binutils, cmake, pkg-config)" >&2
    exit 1
  fi
done
mkdir -p "$build/obj" "$build/corpus" "$build/artifacts"

# The embedded digits are generated at build time; load_embedded_digits is linked in too.
embedded="$build/embedded_digits.cpp"
if [[ ! -f "$embedded" || "$root/resources/digits.csv.gz" -nt "$embedded" ]]; then
  cmake -DINPUT="$root/resources/digits.csv.gz" -DOUTPUT="$embedded" \
        -DFUNCTION=embedded_digits_csv_gz -DHEADER=data/embedded_digits.h \
        -P "$root/cmake/EmbedFile.cmake"
fi

# LibTorch's main headers live in /usr/include, a default path; only its C++ API needs adding.
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer
       -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -fsanitize-coverage=trace-pc,trace-cmp
       -I"$root/core" -isystem /usr/include/torch/csrc/api/include
       $(pkg-config --cflags spdlog))
# The loaders open files through io/input_file and check memory through util/memory_budget.
sources=("$root"/core/data/*.cpp "$root/core/io/input_file.cpp" "$root/core/util/logging.cpp"
         "$root/core/util/memory_budget.cpp" "$root/core/util/cgroup_folders.cpp" "$embedded"
         "$root/tests/fuzz/fuzz_loaders.cpp")
headers=("$root"/core/data/*.h "$root"/core/config/*.h "$root"/core/io/input_file.h
         "$root"/core/util/logging.h "$root"/core/util/memory_budget.h
         "$root"/core/util/cgroup_folders.h)

newest_header=0
for header in "${headers[@]}"; do
  stamp=$(stat -c %Y "$header")
  (( stamp > newest_header )) && newest_header=$stamp
done

compile() {
  local source="$1" object="$2"
  g++ "${flags[@]}" -c "$source" -o "$object.tmp"
  # libFuzzer 14 refuses GCC's pc callback by name; the shim takes it under another.
  objcopy --redefine-sym __sanitizer_cov_trace_pc=moelab_fuzz_trace_pc "$object.tmp"
  mv "$object.tmp" "$object"
}

objects=()
running=0
for source in "${sources[@]}"; do
  object="$build/obj/$(basename "${source%.cpp}").o"
  objects+=("$object")
  if [[ -f "$object" && "$object" -nt "$source" ]] && (( $(stat -c %Y "$object") > newest_header ))
  then
    continue
  fi
  echo "compiling $(basename "$source")"
  compile "$source" "$object" &
  running=$((running + 1))
  if (( running >= jobs )); then
    wait -n
    running=$((running - 1))
  fi
done
while (( running > 0 )); do
  wait -n
  running=$((running - 1))
done

g++ -std=c++20 -O2 -c "$root/tests/fuzz/gcc_coverage_shim.cpp" -o "$build/obj/gcc_coverage_shim.o"
echo "linking fuzz_loaders"
clang++ -fsanitize=fuzzer,address,undefined "${objects[@]}" "$build/obj/gcc_coverage_shim.o" \
  -o "$build/fuzz_loaders" -ltorch -ltorch_cpu -lc10 -lz $(pkg-config --libs spdlog)

# LibTorch is not built with ASan: its one-time global allocations would read as leaks. One
# intra-op thread keeps runs reproducible.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
export OMP_NUM_THREADS=1
cd "$build"
exec ./fuzz_loaders corpus "$root/tests/fuzz/corpus" -max_total_time="$seconds" -max_len=65536 \
  -timeout=10 -rss_limit_mb=4096 -artifact_prefix=artifacts/ -print_final_stats=1 "$@"
