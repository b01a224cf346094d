#!/usr/bin/env bash
# Builds the Debian package build/package/moelab_<version>_<arch>.deb: installs what is missing,
# builds (incrementally, as scripts/build.sh), and packs the install rules with CPack's DEB
# generator (cmake/MoelabPackage.cmake). Install it with
#   sudo apt install ./build/package/moelab_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && cpack -G DEB)
deb="$(ls -t build/package/*.deb | head -n 1)"
echo
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
echo "Built $deb"
