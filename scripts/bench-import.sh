#!/usr/bin/env bash
# Import benchmark (not a test): a province-sized batch of workbooks — 200 files, 20,000
# nominations — imported, checked and stored by `paneldesk import`, side by side with
# openpyxl merely reading the same files and calamine's bare in-process parse (the floor).
# Needs a python3 with openpyxl: Debian's (python3-openpyxl, which setup.sh installs) is
# used when present, as a python3 earlier on PATH may lack it. Prints wall time and peak
# memory.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
files="${1:-200}"
rows="${2:-100}"
work="${BENCH_DIR:-$target/bench-import}"
batch="$work/batch-$files-$rows"

py="${PYTHON:-python3}"
[ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ] && py=/usr/bin/python3

cargo build --release --quiet -p paneldesk --bin paneldesk --example calamine_bare
[ -d "$batch" ] || "$py" bench/make_workbooks.py "$batch" "$files" "$rows"

# This kind of VM's speed swings within minutes, so paneldesk and calamine run in
# alternating pairs, RUNS times (default 3): compare within a pair, and read the best.
runs="${RUNS:-3}"
measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, %M KB peak RSS" "$@" >/dev/null
}
echo "batch: $files workbooks, $((files * rows)) nominations ($(du -sh "$batch" | cut -f1))"
for run in $(seq 1 "$runs"); do
  data="$(mktemp -d)"
  export PANELDESK_DATA_DIR="$data"
  "$target/release/paneldesk" review new --activity 大学生党员标兵 --year 2026 >/dev/null
  measure "run $run: paneldesk import (isolated parse + checks + store)" \
    "$target/release/paneldesk" import "$batch" --json
  if [ "$run" = 1 ]; then
    "$target/release/paneldesk" review show --json | "$py" -c \
      "import json,sys; print('stored nominations:', len(json.load(sys.stdin)['nominations']))"
  fi
  rm -rf "$data"
  measure "run $run: calamine bare parse (floor)" "$target/release/examples/calamine_bare" "$batch"
done
measure "openpyxl bare read" "$py" bench/openpyxl_read.py "$batch"
