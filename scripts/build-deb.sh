#!/bin/sh
# `make deb`: the PyInstaller folder (dist/riskmon, from `make dist`) as a Debian package for
# Debian, UOS and Kylin: the program under /opt/riskmon, the command /usr/bin/riskmon, the desktop
# entry, the icon in the hicolor theme, the AppStream metadata, and the systemd user unit example.
#
#   scripts/build-deb.sh [BUNDLE [OUT_DIR]]     (defaults: dist/riskmon, dist)
#   DEB_COMPRESS=gzip DEB_LEVEL=1 scripts/build-deb.sh …   (faster, larger; default xz)
set -eu
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/riskmon}
OUT=${2:-dist}
[ -x "$BUNDLE/riskmon" ] || { echo "build-deb: no $BUNDLE/riskmon: run make dist first" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is needed (Debian's dpkg)" >&2; exit 2; }
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
ARCH=$(dpkg --print-architecture)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/riskmon"
cp -a "$BUNDLE" "$STAGE/opt/riskmon"
cat > "$STAGE/usr/bin/riskmon" <<'SH'
#!/bin/sh
exec /opt/riskmon/riskmon "$@"
SH
chmod 755 "$STAGE/usr/bin/riskmon"
install -m 644 packaging/linux/riskmon.desktop "$STAGE/usr/share/applications/riskmon.desktop"
install -m 644 packaging/linux/riskmon.metainfo.xml "$STAGE/usr/share/metainfo/riskmon.metainfo.xml"
for size in 16 24 32 48 64 128 256; do
  install -D -m 644 "resources/icons/riskmon-$size.png" \
    "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/riskmon.png"
done
install -D -m 644 resources/icons/riskmon.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/riskmon.svg"
install -m 644 README.md docs/systemd/riskmon-sync.service "$STAGE/usr/share/doc/riskmon/"
chmod -R u=rwX,go=rX "$STAGE/opt/riskmon"

SIZE=$(du -sk "$STAGE" | cut -f1)
# Depends: what the bundle links to but does not carry (OpenGL/EGL, xkbcommon, fontconfig, D-Bus,
# GLib, and the xcb helpers of Qt's X11 platform plugin: cursor, icccm, keysyms)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: riskmon
Version: $VERSION
Architecture: $ARCH
Maintainer: Riskmon <riskmon@localhost>
Installed-Size: $SIZE
Depends: libc6, libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3, libglib2.0-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, ca-certificates
Recommends: hicolor-icon-theme, desktop-file-utils
Section: science
Priority: optional
Description: product quality safety risk monitoring workstation (Hubei)
 Riskmon organises the work of the laboratories that carry out Hubei's
 industrial product quality safety risk monitoring: tasks, sampling,
 testing, reports and notices, and the upload to the provincial system.
 Interface in Chinese.
CONTROL

mkdir -p "$OUT"
DEB="$OUT/riskmon_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" -z"${DEB_LEVEL:-6}" --build "$STAGE" "$DEB" >/dev/null
# the sizes on standard error; standard output is the package's path alone
echo "build-deb: $(basename "$DEB"): $(( $(stat -c %s "$DEB") / 1024 / 1024 )) MB compressed (${DEB_COMPRESS:-xz}), $(( SIZE / 1024 )) MB installed" >&2
echo "$DEB"
