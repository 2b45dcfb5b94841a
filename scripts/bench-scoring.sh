#!/usr/bin/env bash
# Scoring benchmark (not a test): latency of saving one score on the expert's laptop,
# commit included, over a 300-nomination panel. Target: p99 under 10 ms.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
cargo run --release --quiet --example score_latency -- "${1:-2000}"
