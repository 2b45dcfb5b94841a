#!/usr/bin/env bash
# Installs what is missing, builds PanelDesk and opens it on a demo review.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source scripts/setup.sh

target="${CARGO_TARGET_DIR:-$repo/target}"
(cd ui && npm run --silent build)
# A debug build: it shares its compiled dependencies with the test command, and the
# shell is fast enough for a demo.
cargo build -p paneldesk -p paneldesk-app

# The demo review goes into this machine's own data folder (or $PANELDESK_DATA_DIR),
# once: running the script again opens the same review.
"$target/debug/paneldesk" demo --keep-existing --finished-round

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: starting PanelDesk under Xvfb (invisible). Ctrl-C to stop."
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$target/debug/paneldesk-app"
fi
exec "$target/debug/paneldesk-app"
