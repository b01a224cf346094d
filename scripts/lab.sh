#!/usr/bin/env bash
# One command for a new user: install what is missing, build, start the lab on the embedded data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  echo "No display: running the lab under Xvfb and saving a screenshot to moelab.png"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" build/app/moelab --autostart --screenshot moelab.png --quit "$@"
fi
exec build/app/moelab --autostart "$@"
