#!/usr/bin/env bash
# Builds the test suite with sanitizers in a build folder of its own and runs it.
#
#   scripts/sanitize.sh            AddressSanitizer + UndefinedBehaviorSanitizer, every suite
#   scripts/sanitize.sh thread     ThreadSanitizer, the suites that start threads
#
# Debug builds (no optimisation hides a bug), GCC's sanitizer runtimes (Debian's gcc-12 packages
# them: libasan8, libubsan1, libtsan2), no benchmarks: only the tests and the two programs they
# start. Environment: BUILD_DIR (default build-asan / build-tsan), JOBS (parallel compiles,
# default 2), CTEST_ARGS (extra ctest arguments, e.g. "-R test_model").
#
# Reports from libraries built without sanitizers (LibTorch, its OpenMP, Qt, fontconfig) are
# suppressed in scripts/sanitizers/*.supp, each with its reason; nothing of the lab's own is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-address}"
jobs="${JOBS:-2}"
supp="$root/scripts/sanitizers"

case "$mode" in
  address)
    build="${BUILD_DIR:-$root/build-asan}"
    # Every suite, and every target they start.
    tests=""
    targets=()
    # detect_leaks: LeakSanitizer runs at exit; its third-party reports are suppressed.
    # allocator_may_return_null: an allocation too large for the machine fails as glibc's does
    # (null, then LibTorch's own error), which is what test_run_resources checks the lab turns
    # into one sentence; by default ASan aborts the process instead.
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:allocator_may_return_null=1}"
    export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$supp/lsan.supp:print_suppressions=0}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp}"
    ;;
  thread)
    build="${BUILD_DIR:-$root/build-tsan}"
    # The suites whose code starts threads: the worker on its QThread (every window suite), the
    # comparison controller, the ablation runner, the trainer stopped from another thread, the
    # mailbox that carries the runs' reports to the GUI thread, and the programs' signal watcher
    # (the kill and resume suite runs moelab-cli, built with TSan too).
    suites=(test_trainer test_ablation test_kill_resume test_ui_window test_ui_comparison
            test_ui_fork test_ui_stress test_ui_thread_mailbox)
    tests="^($(IFS='|'; echo "${suites[*]}"))$"
    # Only what those suites run: a thread-sanitized build of everything would double the wait.
    targets=(--target moelab-cli moelab "${suites[@]}")
    # ignore_noninstrumented_modules: Qt, GLib, LibTorch and OpenMP are not built with TSan, so
    # their synchronisation (Qt 6's mutexes are futexes, its atomics inline in its own library)
    # is invisible to it; their own memory accesses through intercepted calls (memmove, write,
    # pthread_cond_*) are reported only when an instrumented module, the lab's, makes the call.
    # For the same reason no value of the lab's crosses threads in a Qt queued call: the window's
    # runs hand theirs over in a ThreadMailbox, under a std::mutex the sanitizer sees.
    export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp}"
    ;;
  *)
    echo "usage: scripts/sanitize.sh [thread]" >&2
    exit 2
    ;;
esac

launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOELAB_SANITIZE="$mode" \
    -DMOELAB_BUILD_BENCH=OFF "${launcher[@]}"
fi
cmake --build "$build" -j"$jobs" "${targets[@]}"

export QT_QPA_PLATFORM=offscreen
# One intra-op thread, as the normal suite runs (tests/CMakeLists.txt sets it per test too).
export OMP_NUM_THREADS=1
ctest_args=(--test-dir "$build" --output-on-failure -j"$jobs" --timeout 1500)
[[ -n "$tests" ]] && ctest_args+=(-R "$tests")
# shellcheck disable=SC2206
ctest_args+=(${CTEST_ARGS:-})
ctest "${ctest_args[@]}"
