#!/usr/bin/env bash
# A grid run the ways a cluster runs it gives the summary one `moelab-cli ablate` call writes,
# byte for byte:
#   parallel: `ablate ... --list | parallel`, then `summarize DIR`; resubmitting lists only
#             what is missing;
#   shards:   `ablate ... --shard I/N` for every I, then `summarize DIR`; a folder that holds
#             another grid is refused, a summary with runs missing says so.
#
#   tests/grid/check_grid_routes.sh MOELAB_CLI parallel|shards
#
# Exits 77 (ctest: skipped) when GNU parallel is missing for the parallel route.
set -euo pipefail

cli="$(realpath "$1")"
route="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}

# Three arms in a custom order (not the grid's), two seeds, tiny runs: 6 runs.
# shellcheck disable=SC2054  # the commas are in one argument
grid=(--arms=PCE,pce,pCe --seeds 2 --seed 3 --seed-epochs 2 --growth-epochs 3 --cooldown 1)
"$cli" ablate "${grid[@]}" --quiet --out "$work/one" > /dev/null

same_summary() {  # folder
  for file in summary.json summary.csv summary.md; do
    cmp -s "$1/$file" "$work/one/$file" || fail "$1/$file differs from one ablate call's"
  done
}

case "$route" in
  parallel)
    command -v parallel > /dev/null || { echo "SKIPPED: GNU parallel not found (apt-get install parallel)"; exit 77; }
    "$cli" ablate "${grid[@]}" --out "$work/par" --list > "$work/commands"
    [[ "$(wc -l < "$work/commands")" == 6 ]] || fail "--list printed $(wc -l < "$work/commands") lines, expected 6"
    grep -q -- "--out=$work/par/pCe/seed-4" "$work/commands" || fail "no command for pCe seed 4"
    parallel --will-cite -j 2 < "$work/commands"
    "$cli" summarize "$work/par" > /dev/null
    same_summary "$work/par"
    echo "ok: --list | parallel, then summarize, equals one ablate"

    # Resubmitting: only the run that lost its report is listed again.
    rm "$work/par/pce/seed-3/report.json"
    "$cli" ablate "${grid[@]}" --out "$work/par" --list > "$work/again"
    [[ "$(wc -l < "$work/again")" == 1 ]] || fail "the resubmitted list has $(wc -l < "$work/again") lines"
    grep -q -- "--out=$work/par/pce/seed-3" "$work/again" || fail "the resubmitted list misses pce seed 3"
    status=0
    "$cli" summarize "$work/par" > /dev/null 2> "$work/err" || status=$?
    [[ "$status" == 1 ]] || fail "summarize with a run missing exited $status, expected 1"
    grep -q "1 of 6 runs" "$work/err" || fail "summarize did not say a run is missing: $(cat "$work/err")"
    parallel --will-cite < "$work/again"
    "$cli" summarize "$work/par" > /dev/null
    same_summary "$work/par"
    echo "ok: a resubmitted list holds only the missing run, and the summary is whole again"
    ;;
  shards)
    for shard in 1/4 2/4 3/4 4/4; do
      "$cli" ablate "${grid[@]}" --quiet --out "$work/sh" --shard "$shard"
    done
    [[ ! -e "$work/sh/summary.json" ]] || fail "a shard wrote a summary"
    "$cli" summarize "$work/sh" > /dev/null
    same_summary "$work/sh"
    echo "ok: four shards, then summarize, equal one ablate"

    # A shard run again finds its runs finished and trains nothing.
    "$cli" ablate "${grid[@]}" --out "$work/sh" --shard=2/4 > /dev/null 2> "$work/err"
    grep -q "0 to run" "$work/err" || fail "a finished shard ran again: $(cat "$work/err")"

    # The same folder with other settings: refused, nothing overwritten.
    before="$(md5sum "$work/sh/PCE/seed-3/report.json")"
    status=0
    "$cli" ablate "${grid[@]}" --lr 0.01 --out "$work/sh" --shard 1/4 2> "$work/err" || status=$?
    [[ "$status" == 1 ]] || fail "another grid in the same folder exited $status, expected 1"
    grep -q "holds another grid" "$work/err" || fail "no clear message: $(cat "$work/err")"
    [[ "$(md5sum "$work/sh/PCE/seed-3/report.json")" == "$before" ]] || fail "a finished run was overwritten"
    echo "ok: a folder holding another grid is refused"
    ;;
  *)
    fail "unknown route '$route'"
    ;;
esac
