#!/usr/bin/env python3
"""Judges every case of a corpus folder with the second implementation of
docs/formats.md (`paneldesk_formats.py`) and prints one JSON object per line:

    {"case": "<name>", "verdict": "<accepted | already_have | waiting | refusal code>",
     "detail": "<why, for people>"}

The folder holds (written by tests/it/second_implementation.rs):

- `cases.json`: `[{"case", "kind": "package" | "bundle", "file", "context"}]`, files
  relative to the folder; `context` only for bundles.
- `context.json`: `{"<context name>": {"packages": [<package files>],
  "age_identity": "AGE-SECRET-KEY-1…", "registrations": [{"expert_id", "fingerprint",
  "revoked"}], "received": [{"package_hash", "expert_id", "public_key", "sequence",
  "bundle_hash"}]}}`: what the clerk's review holds.

Usage: verify_corpus.py CORPUS_FOLDER [CASE …]
"""

from __future__ import annotations

import json
import os
import sys

sys.dont_write_bytecode = True  # leave the source tree as it was
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import paneldesk_formats as pf  # noqa: E402


def load_clerk(folder: str, ctx: dict) -> pf.Clerk:
    packages = {}
    for file in ctx["packages"]:
        verified = pf.verify_package(os.path.join(folder, file))
        packages[verified.hash] = verified.manifest
    return pf.Clerk(
        packages=packages,
        age_identity=ctx["age_identity"],
        registrations=[
            pf.Registration(r["expert_id"], r["fingerprint"], bool(r["revoked"]))
            for r in ctx["registrations"]
        ],
        received=[
            pf.Received(
                r["package_hash"], r["expert_id"], r["public_key"], r["sequence"], r["bundle_hash"]
            )
            for r in ctx["received"]
        ],
    )


def judge(folder: str, case: dict, clerks: dict) -> tuple[str, str]:
    path = os.path.join(folder, case["file"])
    try:
        if case["kind"] == "package":
            pf.verify_package(path)
            return "accepted", ""
        bundle = pf.verify_bundle(path)
        return pf.accept_bundle(bundle, clerks[case["context"]]), ""
    except pf.Refused as r:
        return r.code, r.detail
    except Exception as e:  # noqa: BLE001 — a bug here, shown as such, not a verdict
        return "python_error", f"{type(e).__name__}: {e}"


def printable(text: str) -> str:
    """A detail may quote a lone surrogate from a hostile file: not valid in UTF-8 output
    nor in every JSON reader."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    only = set(argv[2:])
    with open(os.path.join(folder, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    with open(os.path.join(folder, "context.json"), encoding="utf-8") as f:
        contexts = json.load(f)
    clerks = {name: load_clerk(folder, ctx) for name, ctx in contexts.items()}
    for case in cases:
        if only and case["case"] not in only:
            continue
        verdict, detail = judge(folder, case, clerks)
        print(
            json.dumps({"case": case["case"], "verdict": verdict, "detail": printable(detail)}),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
