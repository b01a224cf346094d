#!/usr/bin/env bash
# Training throughput of two builds of moelab-cli side by side: each repeat runs A then B on the
# same settings, single-threaded, and the table gives each run's median training samples/s (from
# timing.csv, first epoch left out) and the ratio B / A per repeat. A benchmark, not a test: it
# reports what it saw and never fails on a slow machine.
#
#   bench/compare_builds.sh OLD_CLI NEW_CLI [REPEATS] [-- extra moelab-cli flags]
#
# Example, the fused step before and after a change (the default model, 60 seed epochs):
#   bench/compare_builds.sh ../before/build/app/moelab-cli build/app/moelab-cli 5 -- \
#       --seed-epochs 60 --growth-epochs 0
set -euo pipefail

if (($# < 2)); then
  sed -n 2,11p "$0" >&2
  exit 2
fi
A=$1 B=$2
REPEATS=${3:-5}
shift $(($# >= 3 ? 3 : 2))
[[ "${1:-}" == "--" ]] && shift
EXTRA=("$@")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

median_samples_per_second() {  # $1 = a run folder
  tail -n +3 "$1/timing.csv" | cut -d, -f3 | sort -g |
    awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

run() {  # $1 = cli, $2 = folder
  "$1" --threads 1 --quiet "${EXTRA[@]}" --out "$2" > /dev/null 2>&1 || true
  median_samples_per_second "$2"
}

echo "| Repeat | A samples/s | B samples/s | B / A |"
echo "|---|---|---|---|"
for ((i = 1; i <= REPEATS; ++i)); do
  a=$(run "$A" "$WORK/a$i")
  b=$(run "$B" "$WORK/b$i")
  awk -v i="$i" -v a="$a" -v b="$b" 'BEGIN {printf "| %d | %.0f | %.0f | %.3f |\n", i, a, b, b / a}'
done
echo
echo "A: $A"
echo "B: $B"
echo "Flags: --threads 1 ${EXTRA[*]}; machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
