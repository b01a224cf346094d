#!/usr/bin/env bash
# A real Slurm on this machine: starts munged, slurmctld and slurmd (this host as controller and
# only node, files in a temporary folder, ports of their own), runs a small grid through
# scripts/slurm-ablate.sh --wait as a 4-task job array plus the summary job, checks that the
# summary equals a one-process `moelab-cli ablate` of the same grid, and stops the daemons by
# their pid files.
#
#   tests/slurm/check_slurm.sh MOELAB_CLI
#
# Needs root and Debian's slurm-wlm and munge (MOELAB_SLURM_DEPS=1 scripts/install-deps.sh);
# exits 77 (ctest: skipped) with the reason otherwise.
set -euo pipefail

cli="$(realpath "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
skip() {
  echo "SKIPPED: $*"
  exit 77
}
((EUID == 0)) || skip "not root: starting slurmctld, slurmd and munged needs root"
for tool in slurmctld slurmd sbatch sinfo munged mungekey runuser; do
  command -v "$tool" > /dev/null ||
    skip "$tool not found (MOELAB_SLURM_DEPS=1 scripts/install-deps.sh installs slurm-wlm and munge)"
done
id munge > /dev/null 2>&1 || skip "no munge user (is the munge package installed?)"

work="$(mktemp -d /tmp/moelab-slurm.XXXXXX)"
chmod 755 "$work"
host="$(hostname -s)"
controller_port=$((20000 + RANDOM % 20000))
node_port=$((controller_port + 1))

stop_daemons() {
  for pid_file in "$work/run/slurmd.pid" "$work/run/slurmctld.pid" "$work/munge-run/munged.pid"; do
    [[ -s "$pid_file" ]] || continue
    local pid
    pid="$(cat "$pid_file")"
    kill "$pid" 2> /dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.1
    done
  done
}
show_logs() {
  for log in "$work"/log/*.log "$work"/munge/*.log "$work"/grid/slurm/*.out; do
    if [[ -f "$log" ]]; then
      echo "---- $log"
      tail -n 20 "$log"
    fi
  done
}
cleanup() {
  local status=$?
  set +e
  stop_daemons
  ((status == 0)) || show_logs
  rm -rf "$work"
}
trap cleanup EXIT

# MUNGE: its own key, socket and files, run as the munge user.
# The key's folder is the munge user's alone; the socket's must be open to every user.
mkdir -p "$work/munge" "$work/munge-run" "$work/run" "$work/log" "$work/state" "$work/spool" "$work/etc"
mungekey --create --keyfile="$work/munge/munge.key" > /dev/null
chown -R munge:munge "$work/munge" "$work/munge-run"
chmod 700 "$work/munge"
chmod 755 "$work/munge-run"
chmod 600 "$work/munge/munge.key"
socket="$work/munge-run/munge.socket.2"
runuser -u munge -- munged --key-file="$work/munge/munge.key" --socket="$socket" \
  --pid-file="$work/munge-run/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed"

cat > "$work/etc/slurm.conf" <<EOF
ClusterName=moelabtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(getconf _NPROCESSORS_ONLN) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/etc/slurm.conf"
slurmctld
slurmd
for _ in $(seq 100); do
  state="$(sinfo -h -o %T 2> /dev/null || true)"
  [[ "$state" == idle ]] && break
  sleep 0.2
done
[[ "$state" == idle ]] || { echo "FAIL: the node did not come up (state '$state')"; exit 1; }
echo "slurm is up: node $host, $(getconf _NPROCESSORS_ONLN) CPUs, ports $controller_port/$node_port"

# 2 arms x 2 seeds, one run per task: a 4-task array, then the summary job.
grid=(--arms ab --seeds 2 --seed-epochs 2 --growth-epochs 2 --cooldown 1)
start=$SECONDS
MOELAB_CLI="$cli" "$root/scripts/slurm-ablate.sh" --wait --runs-per-task 1 "${grid[@]}" \
  --out "$work/grid"
echo "grid through Slurm: $((SECONDS - start)) s"
tasks="$(find "$work/grid/slurm" -name 'task-*.out' | wc -l)"
[[ "$tasks" == 4 ]] || { echo "FAIL: $tasks array task logs, expected 4"; exit 1; }

"$cli" ablate "${grid[@]}" --quiet --out "$work/one" > /dev/null
for file in summary.json summary.csv summary.md; do
  cmp "$work/grid/$file" "$work/one/$file" ||
    { echo "FAIL: $file from Slurm differs from one ablate call"; exit 1; }
done
echo "ok: the Slurm grid's summary equals one ablate call's"
