#!/usr/bin/env bash
# Merge benchmark (not a test): 60 experts x 3,000 nominations x 7 criteria, from bundle
# files on disk to a ranked result. Prints wall time and peak memory. Target: under 2 s.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
cargo build --release --quiet --example merge_bench
/usr/bin/time -f "peak RSS %M KB (setup included)" "$target/release/examples/merge_bench" "${1:-60}" "${2:-3000}"
