#!/usr/bin/env bash
# What only the tests need on top of setup.sh: lintian for the .deb, tauri-driver and
# Python selenium.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

# scripts/deb-check.sh fails on lintian errors (dpkg-shlibdeps comes with build-essential).
if ! dpkg-query -W -f='${Status}' lintian 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing Debian package: lintian"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends lintian
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

# Selenium lives in a venv of its own so the system Python stays untouched.
venv="${PANELDESK_VENV:-$HOME/.cache/paneldesk/venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium, cryptography, pyrage" 2>/dev/null; then
  echo "setup: python venv with selenium at $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/tests/e2e/requirements.txt"
fi
