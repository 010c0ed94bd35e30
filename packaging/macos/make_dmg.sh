#!/usr/bin/env bash
# Pack dist/Confidente.app into dist/Confidente-<version>.dmg, a compressed disk image with
# the app and a link to /Applications to drag it onto.
#
# macOS only (hdiutil). Not run here: written on Linux, checked with shellcheck only.
# Sign and notarize the app first, and the disk image after: see packaging/macos/SIGNING.md.
#
#   packaging/macos/make_dmg.sh            # version read from the app's Info.plist
#   packaging/macos/make_dmg.sh 0.1.0      # or given
set -euo pipefail

cd "$(dirname "$0")/../.."
APP=dist/Confidente.app

SYSTEM="$(uname -s)"
if [[ "${SYSTEM}" != Darwin ]]; then
  echo "make_dmg.sh: needs macOS (hdiutil)" >&2
  exit 1
fi
if [[ ! -d "${APP}" ]]; then
  echo "make_dmg.sh: ${APP} not found; build it with PyInstaller first" >&2
  exit 1
fi

if [[ $# -ge 1 ]]; then
  VERSION="$1"
else
  VERSION="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "${APP}/Contents/Info.plist")"
fi
DMG="dist/Confidente-${VERSION}.dmg"

STAGING="$(mktemp -d)"
trap 'rm -rf "${STAGING}"' EXIT
# ditto keeps the signatures, symlinks and extended attributes inside the bundle.
ditto "${APP}" "${STAGING}/Confidente.app"
ln -s /Applications "${STAGING}/Applications"

rm -f "${DMG}"
hdiutil create -volname "Confidente" -srcfolder "${STAGING}" -fs HFS+ -format UDZO -ov "${DMG}"
hdiutil verify "${DMG}"
echo "${DMG}"
