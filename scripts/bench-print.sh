#!/usr/bin/env bash
# Printing benchmark (issue 6): 200 certificates and a 3,000-row results summary with
# PanelDesk, and the same 200 certificates with Python reportlab in the same run.
# Needs fonts-noto-cjk and fonts-wqy-microhei (reportlab cannot embed Noto CJK's CFF
# outlines, so the side-by-side uses WenQuanYi Micro Hei on both sides).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
out="${1:-$repo/target/bench-print}"
mkdir -p "$out"
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  echo "bench-print: installing fonts-wqy-microhei for the reportlab side-by-side"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq fonts-wqy-microhei
fi
venv="${PANELDESK_BENCH_VENV:-$HOME/.cache/paneldesk/bench-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import reportlab" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check reportlab
fi
cargo run --quiet --release --example print_bench -- "$out"
"$venv/bin/python" scripts/bench_reportlab.py "$out/awards.json" "$out/certificates-reportlab.pdf"
