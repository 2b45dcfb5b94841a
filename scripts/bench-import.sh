#!/usr/bin/env bash
# Import benchmark (not a test): a province-sized batch of workbooks — 200 files, 20,000
# nominations — imported, checked and stored by `paneldesk import`, side by side with
# openpyxl merely reading the same files and calamine's bare in-process parse (the floor).
# Needs a python3 with openpyxl: Debian's (python3-openpyxl, which setup.sh installs) is
# used when present, as a python3 earlier on PATH may lack it. Prints wall time and peak
# memory, and the ratios between medians.
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

cargo build --release --quiet -p paneldesk --bin paneldesk --example calamine_bare --example import_in_calls
[ -d "$batch" ] || "$py" bench/make_workbooks.py "$batch" "$files" "$rows"

# This kind of VM's speed swings by a third within minutes, so the three run in
# interleaved rounds, RUNS times (default 3), and the ratios are taken between medians.
runs="${RUNS:-3}"
times="$(mktemp)"
measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -o "$times.one" -f "%e %U %S %M" "$@" >/dev/null
  read -r wall user sys rss <"$times.one"
  echo "$label: $wall s wall, $user s user, $sys s sys, $rss KB peak RSS"
  echo "$label $wall" >>"$times"
}
echo "batch: $files workbooks, $((files * rows)) nominations ($(du -sh "$batch" | cut -f1))"
for run in $(seq 1 "$runs"); do
  data="$(mktemp -d)"
  export PANELDESK_DATA_DIR="$data"
  "$target/release/paneldesk" review new --activity 大学生党员标兵 --year 2026 >/dev/null
  measure "round $run paneldesk" "$target/release/paneldesk" import "$batch" --json
  if [ "$run" = 1 ]; then
    "$target/release/paneldesk" review show --json | "$py" -c \
      "import json,sys; print('stored nominations:', len(json.load(sys.stdin)['nominations']))"
  fi
  rm -rf "$data"
  measure "round $run calamine" "$target/release/examples/calamine_bare" "$batch"
  measure "round $run openpyxl" "$py" bench/openpyxl_read.py "$batch"
done
"$py" - "$times" <<'PY'
import statistics, sys
walls = {}
for line in open(sys.argv[1]):
    *_, tool, wall = line.split()
    walls.setdefault(tool, []).append(float(wall))
m = {tool: statistics.median(w) for tool, w in walls.items()}
print(f"medians: paneldesk {m['paneldesk']:.2f} s, calamine {m['calamine']:.2f} s, openpyxl {m['openpyxl']:.2f} s")
print(f"paneldesk is {m['openpyxl'] / m['paneldesk']:.1f}x faster than openpyxl's bare read "
      f"and {m['paneldesk'] / m['calamine']:.1f}x calamine's bare parse")
PY
rm -f "$times" "$times.one"
# The app's import screen sends a folder in calls of a few files, growing while they are
# quick, through the parsing pool the app keeps; before, 8 files per call and a new pool
# (two child starts) per call.
echo "as the app sends it:"
"$target/release/examples/import_in_calls" "$target/release/paneldesk" "$batch" grow
"$target/release/examples/import_in_calls" "$target/release/paneldesk" "$batch" 8 fresh
