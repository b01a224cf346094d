#!/usr/bin/env bash
# The Debian package, as a user gets it: builds the .deb from the existing build (cpack, no
# rebuild), checks what it holds and what it depends on, validates its desktop entry and its
# AppStream metainfo, and runs the packaged programs from an unpacked copy.
#
#   tests/package/check_package.sh BUILD_DIR APP_ID COMPLETE
#
# COMPLETE is ON when the build made the icons and man pages (rsvg-convert and help2man were
# found). Exits 77 (ctest: skipped) with the reason when a tool it needs is missing.
set -euo pipefail

build="$(realpath "$1")"
app_id="$2"
complete="$3"
skip() {
  echo "SKIPPED: $*"
  exit 77
}
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli; do
  command -v "$tool" > /dev/null ||
    skip "$tool not found (scripts/install-deps.sh installs dpkg-dev, desktop-file-utils, appstream)"
done
[[ "$complete" == ON ]] ||
  skip "the build made no icons or man pages (rsvg-convert or help2man missing when it was configured)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # description, command...
  local what="$1"
  shift
  if "$@"; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    failures=$((failures + 1))
  fi
}

# The package goes to $work/out, not to the build's package/ folder where scripts/package.sh puts it.
(cd "$build" && cpack -G DEB -B "$work/out" -D CPACK_OUTPUT_FILE_PREFIX="$work/out" \
  > "$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log"
  echo "FAIL: cpack could not build the package"
  exit 1
}
deb="$(ls "$work"/out/*.deb)"
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' > "$work/contents"

for path in /usr/bin/moelab /usr/bin/moelab-cli /usr/bin/moelab-slurm-ablate \
            "/usr/share/applications/$app_id.desktop" "/usr/share/metainfo/$app_id.metainfo.xml" \
            "/usr/share/icons/hicolor/scalable/apps/$app_id.svg" \
            /usr/share/man/man1/moelab.1.gz /usr/share/man/man1/moelab-cli.1.gz \
            /usr/share/man/man1/moelab-slurm-ablate.1.gz /usr/share/doc/moelab/README.md; do
  check "holds $path" grep -qxF "$path" "$work/contents"
done
for size in 16 22 24 32 48 64 128 256; do
  check "holds the ${size}x${size} icon" \
    grep -qxF "/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png" "$work/contents"
done
check "installs nothing outside /usr" bash -c "! grep -v '^/usr' '$work/contents' | grep -qv '^/$'"

depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for package in libopenblas0-pthread libtorch libqt6widgets6 libqt6charts6 libc6; do
  check "depends on $package" grep -q "$package" <<< "$depends"
done

dpkg-deb -x "$deb" "$work/root"
check "desktop entry validates" desktop-file-validate "$work/root/usr/share/applications/$app_id.desktop"
check "metainfo validates" appstreamcli validate --no-net \
  "$work/root/usr/share/metainfo/$app_id.metainfo.xml"
check "man page moelab-cli(1) reads" bash -c \
  "gzip -dc '$work/root/usr/share/man/man1/moelab-cli.1.gz' | grep -q '^\.SH DESCRIPTION'"
check "icon 48x48 is a 48x48 PNG" bash -c \
  "file '$work/root/usr/share/icons/hicolor/48x48/apps/$app_id.png' | grep -q 'PNG image data, 48 x 48'"

# The packaged programs run from their own copy (no path into the build folder).
bin="$work/root/usr/bin"
check "moelab-cli --version" bash -c "'$bin/moelab-cli' --version | grep -q '^moelab-cli [0-9]'"
check "moelab --version without a display" \
  env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$bin/moelab" --version
check "moelab-cli trains" "$bin/moelab-cli" --seed-epochs 1 --growth-epochs 1 --quiet \
  --out "$work/run"
check "the run wrote its report" test -s "$work/run/report.json"
check "no runpath into the build" bash -c \
  "! (readelf -d '$bin/moelab-cli' '$bin/moelab' | grep -E 'R(UN)?PATH' | grep -qF '$build')"

if ((failures > 0)); then
  echo "$failures checks failed"
  exit 1
fi
echo "all package checks passed"
