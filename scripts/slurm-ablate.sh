#!/usr/bin/env bash
# Runs a moelab-cli ablation grid on a Slurm cluster: one job array whose tasks each run a slice
# of the grid (moelab-cli ablate --shard slurm), and a job that waits for the whole array
# (afterok) and writes the grid's summary (moelab-cli summarize). Resubmitting the same command
# runs only the runs that have no complete report.json yet.
set -euo pipefail

program="moelab-slurm-ablate"
usage() {
  cat <<EOF
Usage: $program [--wait] [OPTION]... [ablate options] --out DIR

Submits the ablation grid that 'moelab-cli ablate [ablate options] --out DIR' would run as a
Slurm job array, one task per slice of the grid, and a dependent job that writes DIR/summary.md,
summary.csv and summary.json once every task has succeeded. DIR must be on a file system the
compute nodes share. Each run writes DIR/<arm code>/seed-<n>/; Slurm's logs go to DIR/slurm/.

Options:
  --wait               block until the summary is written (or a task failed); exit 0 only
                       when the whole grid finished
  --runs-per-task N    runs per array task (default: 4 per CPU of a task)
  --cpus-per-task N    CPUs per array task, each training one run at a time (default 1)
  --sbatch ARG         one more argument for both sbatch calls, e.g. --sbatch=--partition=short
                       or --sbatch=--time=30 (repeatable)
  -h, --help           this text
  --version            the version of the moelab-cli it runs
Every other option goes to moelab-cli ablate (see moelab-cli --help); --jobs defaults to
--cpus-per-task.

moelab-cli is taken from \$MOELAB_CLI, else from PATH, else from the build folder next to
this script.
EOF
}

fail() {
  echo "$program: $*" >&2
  exit "${2:-1}"
}

find_cli() {
  if [[ -n "${MOELAB_CLI:-}" ]]; then
    [[ -x "$MOELAB_CLI" ]] || fail "MOELAB_CLI=$MOELAB_CLI is not an executable"
    realpath "$MOELAB_CLI"
  elif command -v moelab-cli > /dev/null; then
    realpath "$(command -v moelab-cli)"
  elif [[ -x "$(dirname "$(realpath "$0")")/../build/app/moelab-cli" ]]; then
    realpath "$(dirname "$(realpath "$0")")/../build/app/moelab-cli"
  else
    fail "moelab-cli not found: install it, add it to PATH, set MOELAB_CLI, or build it (scripts/build.sh)"
  fi
}

whole_number() {  # name value
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || fail "$1 needs a whole number >= 1, not '$2'" 2
}

wait_for_summary=0
runs_per_task=""
cpus_per_task=1
sbatch_extra=()
ablate_args=()
out=""
jobs_given=0
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --version)
      cli="$(find_cli)"
      echo "$program $("$cli" --version | awk '{print $NF}')"
      exit 0 ;;
    --wait) wait_for_summary=1 ;;
    --runs-per-task=*) runs_per_task="${1#*=}" ;;
    --runs-per-task) (($# >= 2)) || fail "--runs-per-task needs a value" 2; runs_per_task="$2"; shift ;;
    --cpus-per-task=*) cpus_per_task="${1#*=}" ;;
    --cpus-per-task) (($# >= 2)) || fail "--cpus-per-task needs a value" 2; cpus_per_task="$2"; shift ;;
    --sbatch=*) sbatch_extra+=("${1#*=}") ;;
    --sbatch) (($# >= 2)) || fail "--sbatch needs a value" 2; sbatch_extra+=("$2"); shift ;;
    --out=*) out="${1#*=}" ;;
    --out) (($# >= 2)) || fail "--out needs a value" 2; out="$2"; shift ;;
    ablate) ;;  # implied
    *)
      [[ "$1" == --jobs || "$1" == --jobs=* ]] && jobs_given=1
      ablate_args+=("$1") ;;
  esac
  shift
done
[[ -n "$out" ]] || fail "--out DIR is required (the grid's folder, shared with the compute nodes)" 2
whole_number --cpus-per-task "$cpus_per_task"
runs_per_task="${runs_per_task:-$((4 * cpus_per_task))}"
whole_number --runs-per-task "$runs_per_task"
command -v sbatch > /dev/null || fail "sbatch not found: run this on a Slurm submit host"

cli="$(find_cli)"
mkdir -p "$out"
out="$(realpath "$out")"
# One run per CPU of the task, whether or not the cluster binds tasks to their CPUs.
((jobs_given)) || ablate_args+=(--jobs "$cpus_per_task")

# The runs the grid still lacks. Also checks every option and claims the folder (grid.json)
# before anything is submitted.
remaining="$("$cli" ablate "${ablate_args[@]}" --out "$out" --list | wc -l)"
tasks=$(((remaining + runs_per_task - 1) / runs_per_task))
((tasks >= 1)) || tasks=1

mkdir -p "$out/slurm"
# The job scripts stay in the grid's folder: what each task ran can be read there.
{
  echo "#!/usr/bin/env bash"
  echo "# One slice of the grid: the array task's shard. Written by $program."
  printf 'exec %q ablate' "$cli"
  printf ' %q' "${ablate_args[@]}" --out "$out" --shard slurm
  echo
} > "$out/slurm/task.sh"
{
  echo "#!/usr/bin/env bash"
  echo "# The grid's summary, from the run folders. Written by $program."
  printf 'exec %q summarize %q\n' "$cli" "$out"
} > "$out/slurm/summary.sh"
chmod +x "$out/slurm/task.sh" "$out/slurm/summary.sh"

summary_args=(--parsable "${sbatch_extra[@]}" --job-name=moelab-summary
  --output="$out/slurm/summary-%j.out")
if ((remaining > 0)); then
  array_id="$(sbatch --parsable "${sbatch_extra[@]}" --job-name=moelab-grid \
    --array="1-$tasks" --cpus-per-task="$cpus_per_task" \
    --output="$out/slurm/task-%A_%a.out" "$out/slurm/task.sh")"
  array_id="${array_id%%;*}"
  # afterok: only when every task succeeded; a failed task cancels the summary job.
  summary_args+=(--dependency="afterok:$array_id" --kill-on-invalid-dep=yes)
  echo "$program: $remaining run(s) to do in $tasks array task(s) (job $array_id, up to" \
       "$runs_per_task run(s) and $cpus_per_task CPU(s) each); logs in $out/slurm/"
else
  echo "$program: every run of the grid is finished; only the summary is left"
fi
summary_args+=("$out/slurm/summary.sh")

if ((!wait_for_summary)); then
  summary_id="$(sbatch "${summary_args[@]}")"
  echo "$program: summary job ${summary_id%%;*} writes $out/summary.md when every task succeeded"
  exit 0
fi
set +e
sbatch --wait "${summary_args[@]}" > /dev/null
status=$?
set -e
if ((status != 0)); then
  fail "the grid did not finish (summary job exit $status): see $out/slurm/*.out, then run the same command again to redo what is missing"
fi
echo "$program: summary in $out/summary.md"
