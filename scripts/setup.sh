#!/usr/bin/env bash
# Installs what PanelDesk needs on a fresh Debian 12 machine; quick when it is all there.
# Sourced by demo.sh and test.sh. Needs root or sudo for the Debian packages.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Build prerequisites of Tauri 2 (WebKitGTK 4.1) and what running and testing the app needs:
# Xvfb for a display, WebKitWebDriver for WebDriver, poppler for checking PDFs,
# the Noto CJK fonts the UI renders Chinese with.
apt_packages=(
  build-essential pkg-config file libwebkit2gtk-4.1-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev libgtk-3-dev libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver imagemagick x11-utils xdotool
  fonts-noto-cjk poppler-utils python3-venv python3-openpyxl
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The UI's packages, from the lock file; reinstalled only when the lock file changed.
stamp="$repo/ui/node_modules/.paneldesk-lock"
if ! cmp -s "$repo/ui/package-lock.json" "$stamp" 2>/dev/null; then
  echo "setup: npm ci (ui/)"
  (cd "$repo/ui" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$repo/ui/package-lock.json" "$stamp"
fi
