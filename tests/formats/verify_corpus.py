#!/usr/bin/env python3
"""Judges every case of a corpus folder with the second implementation of
docs/formats.md (`paneldesk_formats.py`) and prints one JSON object per line:

    {"case": "<name>", "verdict": "<accepted | already_have | waiting | refusal code>",
     "detail": "<why, for people>"}

The folder holds (written by tests/it/second_implementation.rs):

- `cases.json`: `[{"case", "kind": "package" | "bundle" | "tally" | "review" |
  "ballot_paper" | "vote", "file", "context", "ballot"}]`, files relative to the folder;
  `context` for bundles, tallies, ballot papers and votes, `ballot` (the ballot the clerk
  confirms the tally for, or receives the vote for) for tallies and votes. A review's
  verdict is what `audit verify` finds in its 会评 ballots (`pf.audit_tallies`), not one
  code.
- `context.json`: `{"<context name>": {"packages": [<package files>],
  "age_identity": "AGE-SECRET-KEY-1…", "registrations": [{"expert_id", "fingerprint",
  "revoked"}], "received": [{"package_hash", "expert_id", "public_key", "sequence",
  "bundle_hash"}]}}`: what the clerk's review holds.
- `tally_context.json`: `{"<context name>": {"review_id", "experts", "registrations",
  "ballots": {"<id>": {"category_key", "kind", "places", "threshold", "entries", "chair",
  "counted", "tally_sha256", "quorum"}}}}`: what the clerk's review holds for confirming
  a tally.
- `vote_context.json`: `{"<context name>": {"review_id", "registrations", "ballots":
  {"<id>": {"kind", "entries", "voters", "paper_sha256", "counted", "votes": {"<expert
  id>": "<vote sha256>"}}}}}`: what the clerk's review holds for receiving a vote.
- `laptop_context.json`: `{"<context name>": {"clerk_key", "review_id", "expert_id"}}`:
  the package a voter's laptop holds (its clerk key and review) and the expert enrolled.

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


def load_tally_clerk(ctx: dict) -> pf.TallyClerk:
    return pf.TallyClerk(
        review_id=ctx["review_id"],
        experts=ctx["experts"],
        registrations=[
            pf.Registration(r["expert_id"], r["fingerprint"], bool(r["revoked"]))
            for r in ctx["registrations"]
        ],
        ballots={int(k): v for k, v in ctx["ballots"].items()},
    )


def load_vote_clerk(ctx: dict) -> pf.VoteClerk:
    return pf.VoteClerk(
        review_id=ctx["review_id"],
        registrations=[
            pf.Registration(r["expert_id"], r["fingerprint"], bool(r["revoked"]))
            for r in ctx["registrations"]
        ],
        ballots={
            int(k): {**v, "votes": {int(e): sha for e, sha in v["votes"].items()}}
            for k, v in ctx["ballots"].items()
        },
    )


def judge(folder: str, case: dict, clerks: dict, tally_clerks: dict, vote_clerks: dict,
          laptops: dict) -> tuple[str, str]:
    path = os.path.join(folder, case["file"])
    try:
        if case["kind"] == "ballot_paper":
            paper = pf.verify_ballot_paper(path)
            laptop = laptops[case["context"]]
            return pf.open_ballot_paper(
                paper, laptop["clerk_key"], laptop["review_id"], laptop["expert_id"]
            ), ""
        if case["kind"] == "vote":
            vote = pf.verify_vote(path)
            return pf.receive_vote(vote, vote_clerks[case["context"]], case["ballot"]), ""
        if case["kind"] == "package":
            pf.verify_package(path)
            return "accepted", ""
        if case["kind"] == "review":
            return pf.audit_tallies(path), ""
        if case["kind"] == "tally":
            verified = pf.verify_tally(path)
            return pf.confirm_tally(verified, tally_clerks[case["context"]], case["ballot"]), ""
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
    tally_clerks = {}
    tally_file = os.path.join(folder, "tally_context.json")
    if os.path.exists(tally_file):
        with open(tally_file, encoding="utf-8") as f:
            tally_clerks = {n: load_tally_clerk(c) for n, c in json.load(f).items()}
    vote_clerks, laptops = {}, {}
    vote_file = os.path.join(folder, "vote_context.json")
    if os.path.exists(vote_file):
        with open(vote_file, encoding="utf-8") as f:
            vote_clerks = {n: load_vote_clerk(c) for n, c in json.load(f).items()}
    laptop_file = os.path.join(folder, "laptop_context.json")
    if os.path.exists(laptop_file):
        with open(laptop_file, encoding="utf-8") as f:
            laptops = json.load(f)
    for case in cases:
        if only and case["case"] not in only:
            continue
        verdict, detail = judge(folder, case, clerks, tally_clerks, vote_clerks, laptops)
        print(
            json.dumps({"case": case["case"], "verdict": verdict, "detail": printable(detail)}),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
