#!/usr/bin/env bash
# Key benchmark (not a test): the cost of one passphrase guess against a wrapped key.
# Target: about a second on an old laptop, so a copied file gives up its key only to a
# passphrase guessed within the first few of 10^8 tries.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
cargo run --release --quiet --example key_unlock -- "${1:-5}"
