#!/usr/bin/env bash
# Import benchmark (not a test): a province-sized batch of workbooks — 200 files, 20,000
# nominations — imported, checked and stored by `paneldesk import`, side by side with
# openpyxl merely reading the same files and calamine's bare in-process parse (the floor).
# Needs python3 with openpyxl (pip install openpyxl). Prints wall time and peak memory.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
files="${1:-200}"
rows="${2:-100}"
work="${BENCH_DIR:-$target/bench-import}"
batch="$work/batch-$files-$rows"

cargo build --release --quiet -p paneldesk --bin paneldesk --example calamine_bare
[ -d "$batch" ] || python3 bench/make_workbooks.py "$batch" "$files" "$rows"

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
    "$target/release/paneldesk" review show --json | python3 -c \
      "import json,sys; print('stored nominations:', len(json.load(sys.stdin)['nominations']))"
  fi
  rm -rf "$data"
  measure "run $run: calamine bare parse (floor)" "$target/release/examples/calamine_bare" "$batch"
done
measure "openpyxl bare read" python3 bench/openpyxl_read.py "$batch"
