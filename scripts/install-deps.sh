#!/usr/bin/env bash
# Installs the Debian 12 packages the lab needs, only those missing. Quick when all are there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
  libtorch-dev libopenblas0-pthread   # OpenBLAS: 24x faster training than the reference BLAS
  libspdlog-dev zlib1g-dev nlohmann-json3-dev
  libcli11-dev                        # moelab-cli's command line parser
  dataset-fashion-mnist               # optional larger real data set (IDX)
  xvfb xauth                          # screenshots and the window without a display
  help2man librsvg2-bin               # man pages from --help, the icon's PNG sizes (build time)
  dpkg-dev file desktop-file-utils appstream  # the .deb (cpack, shlibdeps) and its checks
  parallel                            # the grid's GNU parallel route (its test)
)
if [[ "${MOELAB_SLURM_DEPS:-0}" == 1 ]]; then
  packages+=(slurm-wlm munge)  # a single-node Slurm for tests/slurm (it starts its own daemons)
fi
if [[ "${MOELAB_BENCH_DEPS:-0}" == 1 ]]; then
  packages+=(python3-torch libbenchmark-dev)  # the PyTorch peer of the speed benchmarks
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "Installing: ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Just installed for the test, Slurm's own services have no configuration: keep them from
# starting (and failing) with the system. tests/slurm starts daemons of its own.
if [[ " ${missing[*]} " == *" slurm-wlm "* ]] && [[ -d /run/systemd/system ]]; then
  "${sudo_cmd[@]}" systemctl disable --now slurmctld slurmd > /dev/null 2>&1 || true
fi
