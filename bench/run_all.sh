#!/usr/bin/env bash
# Runs every benchmark in bench/ and writes docs/performance.md (machine, every table, the
# command). Benchmarks, not tests: this script reports what it measured and never fails because a
# number was bad; it exits non-zero only when it could not build or run train_bench at all.
#
#   bench/run_all.sh [--quick]          # --quick: one repeat, fewer epochs (a smoke run)
#
# Environment: MOELAB_BENCH_BUILD (default build-bench, configured without the GUI),
# MOELAB_GUI_BUILD (where to look for moelab and the GUI benches; default build, then build-ui),
# PEER_PYTHON (default /usr/bin/python3: Debian's python3-torch, not a pyenv python3).
# TRAIN_BENCH_ARGS (extra train_bench flags, e.g. "--repeats 3" on a quiet machine);
# DISPATCH_BENCH_ARGS (extra dispatch_bench flags, e.g. "--repeats 3 --max-experts 128").
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${MOELAB_BENCH_BUILD:-$ROOT/build-bench}
PEER_PYTHON=${PEER_PYTHON:-/usr/bin/python3}
OUT=$ROOT/docs/performance.md
QUICK=""
[[ "${1:-}" == "--quick" ]] && QUICK="--quick"
COMMAND="bench/run_all.sh${QUICK:+ $QUICK}"

log() { echo "[run_all] $*" >&2; }

# --- Build (a no-op when up to date) ----------------------------------------------------------
if [[ ! -f "$BUILD/build.ninja" ]]; then
  log "configuring $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DMOELAB_BUILD_GUI=OFF >&2 || exit 1
fi
log "building train_bench, dispatch_bench, bare_libtorch and moelab-cli in $BUILD"
cmake --build "$BUILD" -j2 --target train_bench dispatch_bench bare_libtorch moelab-cli >&2 || exit 1

# The GUI binaries come from a GUI build if one exists; nothing here builds them.
find_gui_binary() {  # $1 = path relative to a build folder
  local dir
  for dir in ${MOELAB_GUI_BUILD:-} "$ROOT/build" "$ROOT/build-ui"; do
    [[ -n "$dir" && -x "$dir/$1" ]] && { echo "$dir/$1"; return 0; }
  done
  return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- train_bench (C++ vs the PyTorch peer, peak, scaling, memory) ------------------------------
log "running train_bench (progress below; about 3-5 minutes)"
if ! "$BUILD/bench/train_bench" $QUICK ${TRAIN_BENCH_ARGS:-} --python "$PEER_PYTHON" --peer "$ROOT/bench/peer_pytorch.py" \
    >"$TMP/train_bench.md"; then
  log "train_bench failed"
  exit 1
fi

# --- dispatch_bench (dense vs routed vs auto, 2-256 experts, k = 1 and 2) ---------------------
log "running dispatch_bench (progress below; a few minutes)"
if ! "$BUILD/bench/dispatch_bench" ${DISPATCH_BENCH_ARGS:-} >"$TMP/dispatch_bench.md"; then
  log "dispatch_bench failed"
  exit 1
fi

# --- moelab-cli start-up against LibTorch's own floor -----------------------------------------
# A 1-epoch run and a bare LibTorch program (bench/bare_libtorch.cpp), alternated, wall time of
# each process from launch to exit.
cli_startup_section() {
  echo
  echo "### Start-up: a 1-epoch \`moelab-cli\` run against a bare LibTorch program"
  echo
  "$PEER_PYTHON" - "$BUILD" "$TMP" <<'EOF'
import os, statistics, subprocess, sys, time
build, tmp = sys.argv[1], sys.argv[2]
cli = [os.path.join(build, "app", "moelab-cli"), "--seed-epochs", "1", "--growth-epochs", "0",
       "--quiet", "--threads", "1"]
bare = [os.path.join(build, "bench", "bare_libtorch")]
times = {"cli": [], "bare": []}
for i in range(7):
    for name, argv in (("bare", bare), ("cli", cli + ["--out", os.path.join(tmp, f"startup-cli-{i}")])):
        start = time.perf_counter()
        code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if code != 0:
            print(f"`{' '.join(argv)}` failed with exit code {code}.")
            sys.exit(0)
        times[name].append(time.perf_counter() - start)
ms = lambda s: f"{1000 * s:.0f}"
print("7 launches each, alternated; wall time from launch to exit.\n")
print("| program | median ms | min ms | max ms |\n|---|---:|---:|---:|")
for name, label in (("bare", "bare LibTorch program (`bench/bare_libtorch`)"),
                    ("cli", "`moelab-cli --seed-epochs 1 --growth-epochs 0 --quiet --threads 1`")):
    t = times[name]
    print(f"| {label} | {ms(statistics.median(t))} | {ms(min(t))} | {ms(max(t))} |")
extra = statistics.median(times["cli"]) - statistics.median(times["bare"])
print(f"\nThe lab adds {ms(extra)} ms (medians) to LibTorch's own start-up for its data, model, one "
      "digits epoch, validation, test and the run's files.")
EOF
}

# --- moelab start-up: launch -> first painted window ------------------------------------------
# moelab has no "time to first paint" option. The simplest honest measurement it allows:
# `moelab --screenshot PATH --quit` shows the window, waits its fixed 400 ms settle timer
# (kChartSettleMs in app/moelab.cpp), grabs the painted window to PATH and quits. We time launch
# -> PATH written, and subtract the 400 ms timer for the first-paint estimate.
startup_section() {
  local gui
  echo
  echo "### Start-up: launch of \`moelab\` to the first painted window"
  echo
  if ! gui=$(find_gui_binary app/moelab); then
    echo "Skipped: no GUI build (build/app/moelab or build-ui/app/moelab) found."
    return
  fi
  QT_QPA_PLATFORM=offscreen "$PEER_PYTHON" - "$gui" "$TMP" "$ROOT" <<'EOF'
import os, statistics, subprocess, sys, time
gui, tmp, root = sys.argv[1], sys.argv[2], sys.argv[3]
settle = 0.400  # kChartSettleMs in app/moelab.cpp
shots, exits = [], []
for i in range(5):
    path = os.path.join(tmp, f"startup-{i}.png")
    start = time.perf_counter()
    proc = subprocess.Popen([gui, "--screenshot", path, "--quit"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = None
    while proc.poll() is None or written is None:
        if written is None and os.path.exists(path) and os.path.getsize(path) > 0:
            written = time.perf_counter() - start
        if proc.poll() is not None and written is None:
            break
        time.sleep(0.002)
    proc.wait()
    exits.append(time.perf_counter() - start)
    if written is not None:
        shots.append(written)
if not shots:
    print("moelab did not write a screenshot (exit code %s)." % proc.returncode)
    sys.exit(0)
ms = lambda s: f"{1000 * s:.0f}"
# Paths in the report are relative to the repository, so the page reads the same in any checkout.
print(f"`{os.path.relpath(gui, root)} --screenshot PATH --quit`, QT_QPA_PLATFORM=offscreen, {len(shots)} launches.\n")
print("| measure | median ms | min ms | max ms |\n|---|---:|---:|---:|")
print(f"| launch -> screenshot written | {ms(statistics.median(shots))} | {ms(min(shots))} | {ms(max(shots))} |")
first = [s - settle for s in shots]
print(f"| first painted window (the above - 400 ms settle timer) | {ms(statistics.median(first))} | {ms(min(first))} | {ms(max(first))} |")
print(f"| launch -> process exit | {ms(statistics.median(exits))} | {ms(min(exits))} | {ms(max(exits))} |")
print("\nThe screenshot includes a PNG encode, so the first-paint estimate is an upper bound.")
EOF
}

# --- The GUI benches written by others, run as they are if built -------------------------------
gui_benches_section() {
  local name bin
  for name in chart_refresh_bench gui_latency_bench; do
    echo
    echo "### $name"
    echo
    if bin=$(find_gui_binary "bench/$name"); then
      log "running $bin"
      if ! QT_QPA_PLATFORM=offscreen timeout 300 "$bin" 2>/dev/null; then
        echo
        echo "($name did not finish cleanly; its output above is partial.)"
      fi
      echo
      echo "Binary: \`${bin#"$ROOT"/}\`."
    else
      echo "Skipped: not built (it needs the GUI build)."
    fi
  done
}

log "measuring start-up"
cli_startup_section >"$TMP/cli_startup.md"
startup_section >"$TMP/startup.md"
gui_benches_section >"$TMP/gui.md"

mkdir -p "$(dirname "$OUT")"
{
  echo "# Performance"
  echo
  echo "Latest results of \`$COMMAND\` (run from the repository root), $(date -u '+%Y-%m-%d %H:%M UTC'),"
  echo "commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' with uncommitted changes')."
  echo "The PyTorch peer is \`bench/peer_pytorch.py\` under \`$PEER_PYTHON\` ($("$PEER_PYTHON" -c 'import torch; print("torch", torch.__version__)' 2>/dev/null || echo 'torch not found'))."
  echo "These are benchmarks on a shared machine: compare ratios measured side by side in one run,"
  echo "not absolute numbers across runs."
  echo
  cat "$TMP/train_bench.md"
  echo
  cat "$TMP/dispatch_bench.md"
  cat "$TMP/cli_startup.md"
  cat "$TMP/startup.md"
  cat "$TMP/gui.md"
} >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
log "wrote $OUT"
