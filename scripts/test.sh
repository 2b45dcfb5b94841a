#!/usr/bin/env bash
# Every test: formatting, lints, Rust tests (core and shell), UI type check and unit
# tests, the real desktop app driven through WebDriver under Xvfb, and its .deb installed
# and started.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source scripts/setup.sh
source scripts/setup-test.sh

target="${CARGO_TARGET_DIR:-$repo/target}"
venv="${PANELDESK_VENV:-$HOME/.cache/paneldesk/venv}"
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "ui: type check, unit tests, build"
(cd ui && npm run --silent check && npm test --silent && npm run --silent build)

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "build the desktop app"
cargo build --locked -p paneldesk -p paneldesk-app

step "e2e: the real app under Xvfb through WebDriver"
rm -rf "$repo/target/e2e"
xvfb-run -a -s "-screen 0 1280x800x24" \
  "$venv/bin/python" tests/e2e/desktop_app.py "$target/debug/paneldesk-app" "$repo/target/e2e"

step "installer: the .deb installs and its app starts"
bash scripts/deb-check.sh --debug "$repo/target/deb-check"

step "all tests passed"
