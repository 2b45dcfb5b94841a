#!/usr/bin/env bash
# Builds the .deb, checks what it carries, installs it (apt as root; unpacked elsewhere
# otherwise), and starts the installed app under Xvfb on a 3,000-nomination review:
# reports installer size, installed size, time to an interactive window and memory.
#
#   scripts/deb-check.sh [OUT]          release build: the figures for the notes
#   scripts/deb-check.sh --debug [OUT]  packages the debug app `scripts/test.sh` already
#                                       built (seconds, not the quarter of an hour a cold
#                                       release build takes here): what CI runs
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="${PANELDESK_VENV:-$HOME/.cache/paneldesk/venv}"
profile=release
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  shift
fi
out="${1:-$repo/target/deb-check}"
mkdir -p "$out"

rm -rf "$target/$profile/bundle/deb"
if [ "$profile" = debug ]; then
  # The binary the e2e test drove, with the UI it embeds: bundled as it is.
  cargo build --locked -p paneldesk -p paneldesk-app
  (cd src-tauri && ../ui/node_modules/.bin/tauri bundle --debug --bundles deb)
else
  (cd ui && npm run --silent build)
  (cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb)
  cargo build --release --locked -p paneldesk --bin paneldesk
fi
deb="$(ls -t "$target/$profile"/bundle/deb/*.deb | head -n 1)"

echo "deb: $deb"
echo "installer size: $(stat -c %s "$deb") bytes"
echo "installed size: $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "depends: $(dpkg-deb -f "$deb" Depends)"
contents="$(dpkg-deb -c "$deb")"
for needed in usr/bin/paneldesk-app usr/share/paneldesk/fonts/NotoSansCJKsc-Regular.otf \
  usr/share/paneldesk/fonts/NotoSerifCJKsc-Regular.otf usr/share/paneldesk/fonts/NotoSerifCJKsc-Bold.otf \
  usr/share/paneldesk/fonts/OFL.txt usr/share/applications/; do
  grep -q "$needed" <<<"$contents" || { echo "the .deb lacks $needed" >&2; exit 1; }
done

if [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --reinstall "$deb" >/dev/null
  app=/usr/bin/paneldesk-app
  dpkg -s panel-desk >/dev/null
else
  root="$(mktemp -d)"
  dpkg-deb -x "$deb" "$root"
  app="$root/usr/bin/paneldesk-app"
  echo "not root: unpacked to $root instead of installing"
fi

data="$(mktemp -d)"
PANELDESK_DATA_DIR="$data" "$target/$profile/paneldesk" demo --nominations 3000 --experts 25 >/dev/null
# Cold start: drop the page cache's copy of the binary where we may.
sync; (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true
xvfb-run -a -s "-screen 0 1280x800x24" \
  "$venv/bin/python" tests/e2e/installed_app.py "$app" "$data" "$out" | tee "$out/figures.json"
