"""A second implementation of docs/formats.md: the panel package (`*.pdpanel`), the
result bundle (`*.pdresult`), the chair's signed 会评 tally file (`*.pdtally`), the 会评
ballot paper and vote (`*.pdballot`, `*.pdvote`), and what `audit verify` checks of a
review's counted 会评 ballots.

Written from docs/formats.md alone, not from PanelDesk's Rust code: every check below names
the section and step of the page it implements, and runs in the order the page gives, so
the first failing check is the verdict. Where the page leaves a choice open, the choice made
here is marked `SPEC GAP` in a comment.

Dependencies: `cryptography` (Ed25519), `pyrage` (age). Everything else is the standard
library: the ZIP container is parsed by hand with `struct`, as the page's container rules
describe it.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import re
import sqlite3
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable


class Refused(Exception):
    """A file refused with one of the page's refusal codes."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def refuse(code: str, detail: str = "") -> None:
    raise Refused(code, detail)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


HEX64 = re.compile(r"[0-9a-f]{64}")

# ---------------------------------------------------------------------------------------
# Conventions: Ed25519 (RFC 8032), verified strictly.
# ---------------------------------------------------------------------------------------

_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
# The order of the base point.
_L = 2**252 + 27742317777372353535851937790883648493
_IDENTITY = (0, 1)


def _decode_point(encoded: bytes) -> tuple[int, int] | None:
    """RFC 8032 §5.1.3: decoding fails for y >= p, for no square root, and for x = 0 with
    the sign bit set.

    Conventions: 'decoded as RFC 8032 §5.1.3 says (a y of p or more is not a key)'.
    """
    if len(encoded) != 32:
        return None
    n = int.from_bytes(encoded, "little")
    sign = n >> 255
    y = n & ((1 << 255) - 1)
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y)


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + x2 * y1) * pow(1 + t, _P - 2, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, _P - 2, _P) % _P
    return (x3, y3)


def _is_small_order(point: tuple[int, int]) -> bool:
    """A point of order 1, 2, 4 or 8: [8]P is the identity."""
    q = point
    for _ in range(3):
        q = _add(q, q)
    return q == _IDENTITY


def parse_public_key(key_hex: str) -> bytes:
    """Conventions: a valid, not small-order Ed25519 point, else `bad_public_key`."""
    raw = bytes.fromhex(key_hex)
    point = _decode_point(raw)
    if point is None:
        refuse("bad_public_key", "not a valid Ed25519 point")
    if _is_small_order(point):
        refuse("bad_public_key", "small-order (weak) key")
    return raw


def verify_strict(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Conventions: verified strictly: canonical S, no small-order R or public key (the
    key was checked by `parse_public_key`)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if len(signature) != 64:
        return False
    r_point = _decode_point(signature[:32])
    if r_point is None or _is_small_order(r_point):
        return False
    if int.from_bytes(signature[32:], "little") >= _L:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public_key: bytes) -> str:
    """Conventions: the first 10 bytes of sha256(key), upper-case hex, 5 groups of 4."""
    digits = hashlib.sha256(public_key).digest()[:10].hex().upper()
    return "-".join(digits[i : i + 4] for i in range(0, 20, 4))


# ---------------------------------------------------------------------------------------
# Conventions: JSON.
# ---------------------------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    # NaN, Infinity and -Infinity are not JSON (RFC 8259); Python's reader would take them.
    raise ValueError(f"{name} is not JSON")


MAX_DEPTH = 128


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects, strings skipped."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def _no_repeats(pairs: list) -> dict:
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise ValueError(f"the name {k!r} appears twice")
        seen.add(k)
    return dict(pairs)


def _finite(text: str) -> float:
    v = float(text)
    if v in (float("inf"), float("-inf")):
        raise ValueError(f"{text} does not fit a 64-bit float")
    return v


def _integer(text: str) -> int:
    if text == "-0":
        raise ValueError("-0 is not an integer")
    return int(text)


def _no_lone_surrogates(v: Any) -> None:
    stack = [v]
    while stack:
        x = stack.pop()
        if type(x) is str:
            x.encode("utf-8")  # raises on a lone surrogate
        elif type(x) is list:
            stack.extend(x)
        elif type(x) is dict:
            for k, item in x.items():
                k.encode("utf-8")
                stack.append(item)


def parse_json(data: bytes) -> Any:
    """Conventions, JSON: UTF-8; no object with a repeated name; numbers that fit a 64-bit
    float; `-0` is no integer; no lone surrogate escapes; at most 128 levels of nesting;
    anything else is `malformed_content`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        refuse("malformed_content", f"not UTF-8: {e}")
    if _depth(text) > MAX_DEPTH:
        refuse("malformed_content", "nested too deep")
    try:
        doc = json.loads(
            text,
            parse_constant=_no_constants,
            object_pairs_hook=_no_repeats,
            parse_float=_finite,
            parse_int=_integer,
        )
        _no_lone_surrogates(doc)
        return doc
    except (ValueError, RecursionError, UnicodeEncodeError) as e:
        refuse("malformed_content", str(e))


class Malformed(Exception):
    pass


def _fail(what: str) -> None:
    raise Malformed(what)


def _obj(v: Any, what: str) -> dict:
    if type(v) is not dict:
        _fail(f"{what}: not an object")
    return v


def _field(o: dict, key: str, what: str) -> Any:
    if key not in o:
        _fail(f"{what}.{key}: missing")
    return o[key]


def _str(o: dict, key: str, what: str) -> str:
    v = _field(o, key, what)
    if type(v) is not str:
        _fail(f"{what}.{key}: not a string")
    return v


def _bool(o: dict, key: str, what: str) -> bool:
    v = _field(o, key, what)
    if type(v) is not bool:
        _fail(f"{what}.{key}: not a boolean")
    return v


def _int_value(v: Any, lo: int | None, hi: int | None, what: str) -> int:
    # An integer written without a fraction or exponent: Python's json gives `int` for
    # exactly those (and `-0` is the integer 0). `bool` is not an integer here.
    if type(v) is not int:
        _fail(f"{what}: not an integer")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        _fail(f"{what}: {v} out of range")
    return v


U32 = (0, 2**32 - 1)
U64 = (0, 2**64 - 1)
ID = (-(2**63), 2**63 - 1)
I32 = (-(2**31), 2**31 - 1)


def _int(o: dict, key: str, rng: tuple, what: str) -> int:
    return _int_value(_field(o, key, what), rng[0], rng[1], f"{what}.{key}")


def _number(o: dict, key: str, what: str) -> float:
    v = _field(o, key, what)
    return _number_value(v, f"{what}.{key}")


def _number_value(v: Any, what: str) -> float:
    if type(v) not in (int, float):
        _fail(f"{what}: not a number")
    try:
        return float(v)
    except OverflowError:
        return float("inf") if v > 0 else float("-inf")


def _list(o: dict, key: str, what: str) -> list:
    v = _field(o, key, what)
    if type(v) is not list:
        _fail(f"{what}.{key}: not an array")
    return v


def _optional(o: dict, key: str) -> Any:
    """A field that may be missing, meaning null."""
    return o.get(key)


def check_head(doc: Any, expected_format: str) -> None:
    """'not JSON or not an object with a string `format` and an integer `version` is
    `malformed_content`; `format` other than … is `wrong_format`; `version` other than 1
    is `unsupported_version`'."""
    try:
        o = _obj(doc, "document")
        fmt = _str(o, "format", "document")
        version = _int(o, "version", U32, "document")
    except Malformed as e:
        refuse("malformed_content", str(e))
    if fmt != expected_format:
        refuse("wrong_format", fmt)
    if version != 1:
        refuse("unsupported_version", str(version))


def _whole(check: Callable[[Any], None], doc: Any) -> None:
    try:
        check(doc)
    except Malformed as e:
        refuse("malformed_content", str(e))


def _check_field_value(f: Any, what: str) -> None:
    f = _obj(f, what)
    for k in ("key", "label_zh", "label_en", "value"):
        _str(f, k, what)
    _bool(f, "personal", what)


def check_manifest(m: dict) -> None:
    """Panel package: 'then the whole manifest must have the fields shown'.

    SPEC GAP: the example names most nested fields without a type
    (`{ "key", "name_zh", … }`); the types used here are those the example values and the
    prose suggest: strings, booleans for `quota_approximate`/`placeholder`/`personal`,
    numbers for `max_points`/`step`, `allowance` an integer or null.
    """
    w = "manifest"
    _str(m, "created_at", w)
    _str(m, "closes_on", w)
    review = _obj(_field(m, "review", w), "review")
    for k in ("id", "activity", "title_zh", "title_en"):
        _str(review, k, "review")
    _int(review, "year", I32, "review")
    clerk = _obj(_field(m, "clerk", w), "clerk")
    _str(clerk, "signing_key", "clerk")
    _str(clerk, "age_recipient", "clerk")
    _int(m, "min_comment_chars", U32, w)
    for i, c in enumerate(_list(m, "categories", w)):
        cw = f"categories[{i}]"
        c = _obj(c, cw)
        for k in ("key", "name_zh", "name_en"):
            _str(c, k, cw)
        _int(c, "quota", U32, cw)
        _bool(c, "quota_approximate", cw)
        # 'may be missing, meaning null'.
        if _optional(c, "allowance") is not None:
            _int(c, "allowance", U32, cw)
        if _str(c, "scoring_mode", cw) not in ("criteria", "vote", "grade"):
            _fail(f"{cw}.scoring_mode: unknown mode")
        # '`grades` may be missing (the default list)'.
        for g, grade in enumerate(_list(c, "grades", cw) if "grades" in c else []):
            gw = f"{cw}.grades[{g}]"
            grade = _obj(grade, gw)
            for k in ("key", "name_zh", "name_en"):
                _str(grade, k, gw)
            _bool(grade, "passes", gw)
        rubric = _obj(_field(c, "rubric", cw), f"{cw}.rubric")
        for j, cr in enumerate(_list(rubric, "criteria", f"{cw}.rubric")):
            crw = f"{cw}.rubric.criteria[{j}]"
            cr = _obj(cr, crw)
            for k in ("key", "name_zh", "name_en", "guidance_zh"):
                _str(cr, k, crw)
            _number(cr, "max_points", crw)
            _number(cr, "step", crw)
            _bool(cr, "placeholder", crw)
            # '`weight` may be missing (1)'.
            if "weight" in cr:
                _number(cr, "weight", crw)
            # '`bands` may be missing (empty)'.
            for b, band in enumerate(_list(cr, "bands", crw) if "bands" in cr else []):
                bw = f"{crw}.bands[{b}]"
                band = _obj(band, bw)
                _str(band, "label", bw)
                _number(band, "from", bw)
                _number(band, "to", bw)
    for i, e in enumerate(_list(m, "experts", w)):
        ew = f"experts[{i}]"
        e = _obj(e, ew)
        _int(e, "id", ID, ew)
        for k in ("name", "institution", "title"):
            _str(e, k, ew)
    for i, n in enumerate(_list(m, "nominations", w)):
        nw = f"nominations[{i}]"
        n = _obj(n, nw)
        _int(n, "id", ID, nw)
        for k in ("category_key", "university", "display_name"):
            _str(n, k, nw)
        for k in ("fields", "extra_fields"):
            for j, f in enumerate(_list(n, k, nw)):
                _check_field_value(f, f"{nw}.{k}[{j}]")
        for j, mat in enumerate(_list(n, "materials", nw)):
            mw = f"{nw}.materials[{j}]"
            mat = _obj(mat, mw)
            _str(mat, "named", mw)
            _str(mat, "file_name", mw)
            _int(mat, "bytes", U64, mw)
            _str(mat, "sha256", mw)
    # 'panel is present only when several panels share the review'.
    if "panel" in m:
        panel = _obj(m["panel"], "panel")
        _str(panel, "name", "panel")
        # `categories` and `experts` may be missing (empty), `group` too (null).
        for j, c in enumerate(_list(panel, "categories", "panel") if "categories" in panel else []):
            if type(c) is not str:
                _fail(f"panel.categories[{j}]: not a string")
        for j, e in enumerate(_list(panel, "experts", "panel") if "experts" in panel else []):
            _int_value(e, *ID, f"panel.experts[{j}]")
        group = _optional(panel, "group")
        if group is not None:
            group = _obj(group, "panel.group")
            _int(group, "index", U32, "panel.group")
            _int(group, "of", U32, "panel.group")


def check_header(h: dict) -> None:
    """Result bundle: the whole header, as `bundle.json` shows it."""
    w = "header"
    _str(h, "package_hash", w)
    _str(h, "review_id", w)
    expert = _obj(_field(h, "expert", w), "expert")
    _int(expert, "id", ID, "expert")
    _str(expert, "name", "expert")
    _str(expert, "public_key", "expert")
    _int(h, "sequence", U64, w)
    # 'may be missing, meaning null'.
    previous = _optional(h, "previous_bundle_hash")
    if previous is not None and type(previous) is not str:
        _fail("header.previous_bundle_hash: not a string or null")
    _str(h, "created_at", w)
    _int(h, "scored", U32, w)
    _int(h, "recused", U32, w)
    payload = _obj(_field(h, "payload", w), "payload")
    _str(payload, "entry", "payload")
    _int(payload, "bytes", U64, "payload")
    _str(payload, "sha256", "payload")
    _str(payload, "sealed_to", "payload")


RECUSAL_REASONS = ("relative", "teacher_student", "same_institution", "other")
VOTES = ("agree", "disagree", "abstain")
# 'a missing list is the default one': its keys, best first.
DEFAULT_GRADE_KEYS = ("excellent", "good", "pass", "fail")


def grade_keys(category: dict) -> list:
    """The keys of a category's grade list in the package ('Panel package', `grades`)."""
    if "grades" not in category:
        return list(DEFAULT_GRADE_KEYS)
    return [g["key"] for g in category["grades"]]


def check_payload(p: Any) -> None:
    """The decrypted `scores.age`: 'each item needs `nomination_id`, `criteria` (an object
    of numbers) and `comment` (a string); `recusal`, `vote`, `grade` and `entered` may be
    missing, meaning `null` … anything else is `malformed_content`'."""
    p = _obj(p, "payload")
    _str(p, "package_hash", "payload")
    _int(p, "expert_id", ID, "payload")
    _int(p, "sequence", U64, "payload")
    for i, item in enumerate(_list(p, "items", "payload")):
        iw = f"items[{i}]"
        item = _obj(item, iw)
        _int(item, "nomination_id", ID, iw)
        criteria = _obj(_field(item, "criteria", iw), f"{iw}.criteria")
        for k, v in criteria.items():
            _number_value(v, f"{iw}.criteria.{k}")
        _str(item, "comment", iw)
        recusal = _optional(item, "recusal")
        if recusal is not None:
            recusal = _obj(recusal, f"{iw}.recusal")
            if _str(recusal, "reason", f"{iw}.recusal") not in RECUSAL_REASONS:
                _fail(f"{iw}.recusal.reason: unknown")
            _str(recusal, "note", f"{iw}.recusal")
            _bool(recusal, "automatic", f"{iw}.recusal")
        vote = _optional(item, "vote")
        if vote is not None and (type(vote) is not str or vote not in VOTES):
            _fail(f"{iw}.vote: not one of {VOTES}")
        # 'grade' is a string (a key of the category's list, checked on accepting).
        grade = _optional(item, "grade")
        if grade is not None and type(grade) is not str:
            _fail(f"{iw}.grade: not a string")
        entered = _optional(item, "entered")
        if entered is not None:
            entered = _obj(entered, f"{iw}.entered")
            _number(entered, "total", f"{iw}.entered")
            _number(entered, "max", f"{iw}.entered")
            _bool(entered, "entered", f"{iw}.entered")
            _bool(entered, "complete", f"{iw}.entered")


# ---------------------------------------------------------------------------------------
# The container (both formats).
# ---------------------------------------------------------------------------------------

LOCAL_SIG = 0x04034B50
# Entries are read this much at a time.
PIECE = 1 << 20
CENTRAL_SIG = 0x02014B50
END_SIG = 0x06054B50


@dataclass
class EntryRule:
    name: str
    matches: Callable[[str], bool]
    max_bytes: int
    required: bool


@dataclass
class Format:
    max_file_bytes: int
    max_entries: int
    rules: list[EntryRule]


@dataclass
class Entry:
    name: str
    raw_name: bytes
    central_at: int
    central: bytes  # the 46 fixed bytes
    offset: int
    size: int
    crc: int

    @property
    def data_at(self) -> int:
        return self.offset + 30 + len(self.raw_name)


@dataclass
class Container:
    data: bytes | mmap.mmap
    entries: list[Entry]
    directory_at: int
    directory_size: int
    end: bytes

    def entry(self, name: str) -> Entry | None:
        for e in self.entries:
            if e.name == name:
                return e
        return None

    def stream(self, name: str, sink: Callable[[bytes], None]) -> None:
        """Step 8: feeds the entry to `sink` a piece at a time; its bytes are trusted only
        once read whole with the declared CRC-32."""
        e = self.entry(name)
        if e is None:
            refuse("missing_entry", name)
        crc = 0
        at, end = e.data_at, e.data_at + e.size
        while at < end:
            piece = self.data[at : min(end, at + PIECE)]
            crc = zlib.crc32(piece, crc)
            sink(piece)
            at += len(piece)
        if crc != e.crc:
            refuse("crc_mismatch", name)

    def read(self, name: str) -> bytes:
        """Step 8, for an entry wanted whole."""
        pieces: list[bytes] = []
        self.stream(name, pieces.append)
        return b"".join(pieces)


def read_file_bounded(path: str, fmt: Format) -> bytes | mmap.mmap:
    """Container step 1, before a byte is read. The file is mapped, not read: a package
    may be gigabytes, and only what a step needs is looked at."""
    size = os.path.getsize(path)
    if size > fmt.max_file_bytes:
        refuse("file_too_large", str(size))
    if size == 0:
        return b""
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def open_container(data: bytes | mmap.mmap, fmt: Format) -> Container:
    """'The container (both formats)', steps 1 to 7; step 8 is `Container.read`."""
    size = len(data)
    # 1.
    if size > fmt.max_file_bytes:
        refuse("file_too_large", str(size))
    # 2. The end record: exactly the last 22 bytes.
    if size < 22:
        refuse("not_a_container", "shorter than an end record")
    end = data[size - 22 :]
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment = struct.unpack(
        "<IHHHHIIH", end
    )
    if (
        sig != END_SIG
        or disk != 0
        or cd_disk != 0
        or n_disk != n_total
        or comment != 0
        or cd_offset + cd_size != size - 22
    ):
        refuse("not_a_container", "end of central directory")
    count = n_total
    # 3.
    if count > fmt.max_entries:
        refuse("too_many_entries", str(count))
    if cd_size > count * (46 + 1024):
        refuse("not_a_container", "central directory larger than its entries")
    # 4. N central headers back to back from O.
    entries: list[Entry] = []
    directory_end = cd_offset + cd_size
    at = cd_offset
    for i in range(count):
        # 'Each central header, its name included, lies within the S bytes from O.'
        header = data[at : min(at + 46, directory_end)]
        if len(header) != 46:
            refuse("not_a_container", f"central header {i} cut short")
        (
            csig,
            _made_by,
            _needed,
            flags,
            method,
            _time,
            _date,
            crc,
            compressed,
            plain,
            name_len,
            extra_len,
            comment_len,
            disk_start,
            _internal,
            _external,
            offset,
        ) = struct.unpack("<IHHHHHHIIIHHHHHII", header)
        # 4.1
        if csig != CENTRAL_SIG or extra_len != 0 or comment_len != 0 or disk_start != 0:
            refuse("not_a_container", f"central header {i}")
        if flags != 0:
            refuse("not_a_container", f"central header {i}: flags")
        # 4.2
        if method != 0 or compressed != plain:
            refuse("compressed_entry", f"entry {i}")
        # 4.3
        raw_name = data[at + 46 : min(at + 46 + name_len, directory_end)]
        if len(raw_name) != name_len:
            refuse("not_a_container", f"central header {i}: name cut short")
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            refuse("unexpected_entry", repr(raw_name))
        rule = next((r for r in fmt.rules if r.matches(name)), None)
        if rule is None:
            refuse("unexpected_entry", name)
        # 4.4
        if plain > rule.max_bytes:
            refuse("oversized_entry", name)
        # 4.5
        if any(e.raw_name == raw_name for e in entries):
            refuse("duplicate_entry", name)
        entries.append(
            Entry(
                name=name,
                raw_name=raw_name,
                central_at=at,
                central=header,
                offset=offset,
                size=plain,
                crc=crc,
            )
        )
        at += 46 + name_len
    # 5.
    if at - cd_offset != cd_size:
        refuse("not_a_container", "central directory size")
    # 6. 'Each required entry must be present, in the format's order of entries, else
    # `missing_entry` naming the first missing one.'
    # Presence only: the first missing one in the format's list is named; where they stand
    # in the file is the canonical layout's business (bundles).
    for rule in fmt.rules:
        if rule.required and not any(rule.matches(e.name) for e in entries):
            refuse("missing_entry", rule.name)
    # 7. Layout: back to back from offset 0, each local header repeating its central one.
    following = 0
    for e in entries:
        data_end = e.data_at + e.size
        if e.offset != following or data_end > cd_offset:
            refuse("header_mismatch", e.name)
        local = data[e.offset : e.offset + 30]
        if len(local) != 30:
            refuse("header_mismatch", e.name)
        lsig, lname_len, lextra = (
            struct.unpack("<I", local[0:4])[0],
            struct.unpack("<H", local[26:28])[0],
            struct.unpack("<H", local[28:30])[0],
        )
        if (
            lsig != LOCAL_SIG
            or local[4:26] != e.central[6:28]
            or lname_len != len(e.raw_name)
            or lextra != 0
            or data[e.offset + 30 : e.offset + 30 + len(e.raw_name)] != e.raw_name
        ):
            refuse("header_mismatch", e.name)
        following = data_end
    if following != cd_offset:
        refuse("not_a_container", "bytes between the entries and the directory")
    return Container(data, entries, cd_offset, cd_size, end)


# ---------------------------------------------------------------------------------------
# The signature entry (both formats).
# ---------------------------------------------------------------------------------------

_SIGNATURE_ENTRY = re.compile(rb"key:([0-9a-f]{64})\nsig:([0-9a-f]{128})\n")


def parse_signature_entry(content: bytes) -> tuple[str, bytes]:
    """Exactly two lines, each ending in `\\n`, nothing else; hex is lower-case."""
    m = _SIGNATURE_ENTRY.fullmatch(content)
    if m is None:
        refuse("malformed_signature")
    return m.group(1).decode("ascii"), bytes.fromhex(m.group(2).decode("ascii"))


def check_signature(sig_entry: bytes, signed: bytes) -> tuple[str, bytes]:
    """Verify a package, step 2 / verify a bundle, step 3."""
    key_hex, signature = parse_signature_entry(sig_entry)
    key = parse_public_key(key_hex)
    if not verify_strict(key, signed, signature):
        refuse("signature_invalid")
    return key_hex, key


# ---------------------------------------------------------------------------------------
# Panel package.
# ---------------------------------------------------------------------------------------


def _is_material(name: str) -> bool:
    return name.startswith("materials/") and HEX64.fullmatch(name[len("materials/") :]) is not None


PACKAGE = Format(
    max_file_bytes=4 << 30,
    max_entries=20_000,
    rules=[
        EntryRule("package.json", lambda n: n == "package.json", 64 << 20, True),
        EntryRule("package.sig", lambda n: n == "package.sig", 256, True),
        EntryRule("materials/<sha256>", _is_material, 100 << 20, False),
    ],
)

PACKAGE_FORMAT = "paneldesk.panel-package"


@dataclass
class VerifiedPackage:
    manifest: dict
    hash: str
    clerk_fingerprint: str


def verify_package_bytes(data: bytes | mmap.mmap) -> VerifiedPackage:
    """'To verify a package', steps 1 to 7."""
    # 1.
    archive = open_container(data, PACKAGE)
    # 2.
    manifest_bytes = archive.read("package.json")
    sig_entry = archive.read("package.sig")
    key_hex, key = check_signature(sig_entry, manifest_bytes)
    # 3.
    manifest = parse_json(manifest_bytes)
    check_head(manifest, PACKAGE_FORMAT)
    _whole(check_manifest, manifest)
    # 4.
    if manifest["clerk"]["signing_key"] != key_hex:
        refuse("key_mismatch")
    # 4, continued: 'each nomination id appears once'.
    ids: set[int] = set()
    for nomination in manifest["nominations"]:
        if nomination["id"] in ids:
            refuse("malformed_content", f"nomination id {nomination['id']} appears twice")
        ids.add(nomination["id"])
    # 5. Materials, in nomination order, each hash once.
    listed: set[str] = set()
    for nomination in manifest["nominations"]:
        for material in nomination["materials"]:
            name = "materials/" + material["sha256"]
            if name in listed:
                continue
            listed.add(name)
            entry = archive.entry(name)
            if entry is None:
                refuse("missing_entry", name)
            if entry.size != material["bytes"]:
                refuse("content_mismatch", name)
            # Hashed as it streams: one piece of one material at a time.
            digest = hashlib.sha256()
            archive.stream(name, digest.update)
            if digest.hexdigest() != material["sha256"]:
                refuse("content_mismatch", name)
    # 6.
    for entry in archive.entries:
        if _is_material(entry.name) and entry.name not in listed:
            refuse("unexpected_entry", entry.name)
    # 7.
    return VerifiedPackage(manifest, sha256_hex(manifest_bytes), fingerprint(key))


def _with_file(path: str, fmt: Format, verify: Callable[[Any], Any]) -> Any:
    data = read_file_bounded(path, fmt)
    try:
        return verify(data)
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def verify_package(path: str) -> VerifiedPackage:
    return _with_file(path, PACKAGE, verify_package_bytes)


# ---------------------------------------------------------------------------------------
# Result bundle.
# ---------------------------------------------------------------------------------------

BUNDLE = Format(
    max_file_bytes=64 << 20,
    max_entries=16,
    rules=[
        EntryRule("bundle.json", lambda n: n == "bundle.json", 64 << 10, True),
        EntryRule("scores.age", lambda n: n == "scores.age", 48 << 20, True),
        EntryRule("bundle.sig", lambda n: n == "bundle.sig", 256, True),
    ],
)

BUNDLE_FORMAT = "paneldesk.result-bundle"
BUNDLE_ORDER = ("bundle.json", "scores.age", "bundle.sig")


def is_canonical(archive: Container, order: tuple = BUNDLE_ORDER) -> bool:
    """'Canonical layout': given the container rules, the fixed values of every header."""
    if tuple(e.name for e in archive.entries) != order:
        return False
    for e in archive.entries:
        (_, made_by, needed, flags, method, time, date) = struct.unpack(
            "<IHHHHHH", e.central[:16]
        )
        (name_len, extra, comment, disk, internal, external) = struct.unpack(
            "<HHHHHI", e.central[28:42]
        )
        if (
            made_by != 0x030A
            or needed != 10
            or flags != 0
            or method != 0
            or time != 0x0000
            or date != 0x0021
            or extra != 0
            or comment != 0
            or disk != 0
            or internal != 0
            or external != 0x81A40000
        ):
            return False
        # The local header repeats bytes 6-27 of the central one (container step 7) and
        # has no extra field: nothing more to check there.
    return True


@dataclass
class VerifiedBundle:
    header: dict
    hash: str
    sealed: bytes
    public_key: bytes
    fingerprint: str


def verify_bundle_bytes(data: bytes | mmap.mmap) -> VerifiedBundle:
    """'To verify a bundle', steps 1 to 9."""
    # 1.
    archive = open_container(data, BUNDLE)
    # 2.
    header_bytes = archive.read("bundle.json")
    sealed = archive.read("scores.age")
    sig_entry = archive.read("bundle.sig")
    # 3.
    key_hex, key = check_signature(sig_entry, header_bytes)
    # 4.
    if not is_canonical(archive):
        refuse("not_canonical")
    # 5.
    header = parse_json(header_bytes)
    check_head(header, BUNDLE_FORMAT)
    _whole(check_header, header)
    # 6.
    if header["expert"]["public_key"] != key_hex:
        refuse("key_mismatch")
    # 7.
    payload = header["payload"]
    if (
        payload["entry"] != "scores.age"
        or payload["bytes"] != len(sealed)
        or payload["sha256"] != sha256_hex(sealed)
    ):
        refuse("content_mismatch", "scores.age")
    # 8.
    if not 1 <= header["sequence"] <= 9999:
        refuse("sequence_out_of_range", str(header["sequence"]))
    # 9.
    previous = header.get("previous_bundle_hash")
    if header["sequence"] == 1:
        if previous is not None:
            refuse("broken_chain", "sequence 1 names a previous bundle")
    elif previous is None or HEX64.fullmatch(previous) is None:
        refuse("broken_chain", "no previous bundle hash")
    return VerifiedBundle(header, sha256_hex(header_bytes), sealed, key, fingerprint(key))


def verify_bundle(path: str) -> VerifiedBundle:
    return _with_file(path, BUNDLE, verify_bundle_bytes)


# ---------------------------------------------------------------------------------------
# To accept a bundle.
# ---------------------------------------------------------------------------------------


@dataclass
class Registration:
    expert_id: int
    fingerprint: str
    revoked: bool


@dataclass
class Received:
    package_hash: str
    expert_id: int
    public_key: str
    sequence: int
    bundle_hash: str


@dataclass
class Clerk:
    """What the clerk's review holds: the packages it built, the clerk's age identity, the
    registrations and the bundles that counted."""

    packages: dict[str, dict]  # package hash -> manifest
    age_identity: str
    registrations: list[Registration] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)


# Unicode White_Space (what "trimmed of Unicode white space" removes). Python's
# str.strip() also strips U+001C..U+001F, which are not White_Space.
_WHITE_SPACE = frozenset(
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def trim(s: str) -> str:
    start, end = 0, len(s)
    while start < end and s[start] in _WHITE_SPACE:
        start += 1
    while end > start and s[end - 1] in _WHITE_SPACE:
        end -= 1
    return s[start:end]


def decrypt(sealed: bytes, identity: str) -> bytes:
    """Accept step 6: 'a file sealed to other recipients is `sealed_to_other`; any other
    age failure is `sealed_damaged`'. age reports the first as "no matching keys"."""
    import pyrage

    try:
        ident = pyrage.x25519.Identity.from_str(identity)
    except Exception as e:  # the clerk's own identity: not a property of the file
        raise RuntimeError(f"unusable clerk identity: {e}") from e
    # 'the binary age format (not its ASCII armor)'.
    if sealed.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----"):
        refuse("sealed_damaged", "ASCII-armored")
    try:
        return pyrage.decrypt(sealed, [ident])
    except pyrage.DecryptError as e:
        if "no matching keys" in str(e).lower():
            refuse("sealed_to_other")
        refuse("sealed_damaged", str(e))
    except Exception as e:  # noqa: BLE001 — any other age failure
        refuse("sealed_damaged", str(e))


def check_items(package: dict, expert: dict, scored: int, recused: int, items: list) -> None:
    """Accept step 7, 'What the scores must say'."""
    # 7.1
    n_recused = sum(1 for i in items if i.get("recusal") is not None)
    if scored != len(items) - n_recused or recused != n_recused:
        refuse("counts_mismatch")
    nominations = package["nominations"]
    index = {}
    for at, n in enumerate(nominations):
        index.setdefault(n["id"], at)
    categories = {}
    for c in package["categories"]:
        categories.setdefault(c["key"], c)
    own = trim(expert["institution"])
    answered = [False] * len(nominations)
    # 7.2
    for item in items:
        nid = item["nomination_id"]
        at = index.get(nid)
        if at is None:
            refuse("item_not_in_package", str(nid))
        if answered[at]:
            refuse("duplicate_item", str(nid))
        answered[at] = True
        nomination = nominations[at]
        # 'its category is one the package lists, else item_not_in_package'.
        category = categories.get(nomination["category_key"])
        if category is None:
            refuse("item_not_in_package", f"{nid}: no category {nomination['category_key']}")
        criteria = item["criteria"]
        vote, grade = item.get("vote"), item.get("grade")
        if item.get("recusal") is not None:
            if criteria or vote is not None or grade is not None:
                refuse("marks_on_recusal", str(nid))
            continue
        if own and trim(nomination["university"]) == own:
            refuse("own_institution_not_recused", str(nid))
        mode = category["scoring_mode"]
        wrong = {
            "criteria": vote is not None or grade is not None,
            "vote": bool(criteria) or grade is not None,
            "grade": bool(criteria) or vote is not None,
        }[mode]
        if wrong:
            refuse("wrong_scoring_mode", str(nid))
        # 'a `grade` is a key of the category's grade list, else unknown_grade'.
        if grade is not None and grade not in grade_keys(category):
            refuse("unknown_grade", f"{nid}: {grade}")
        rubric = {}
        for c in category["rubric"]["criteria"]:
            rubric.setdefault(c["key"], c)
        # 'each criteria key in ascending byte order' (UTF-8 byte order).
        for key in sorted(criteria, key=lambda k: k.encode("utf-8", "surrogatepass")):
            criterion = rubric.get(key)
            if criterion is None:
                refuse("unknown_criterion", f"{nid}: {key}")
            p = _number_value(criteria[key], key)
            max_points = float(criterion["max_points"])
            if not (0 <= p <= max_points):
                refuse("points_out_of_range", f"{nid}: {key} = {p}")
            step = float(criterion["step"])
            if step > 0:
                k = p / step
                if abs(k - round(k)) > 1e-9:
                    refuse("points_off_step", f"{nid}: {key} = {p}")
        complete = {
            "criteria": all(c["key"] in criteria for c in category["rubric"]["criteria"]),
            "vote": vote is not None,
            "grade": grade is not None,
        }[mode]
        if not complete or len(trim(item["comment"])) < package["min_comment_chars"]:
            refuse("incomplete_item", str(nid))
    # 7.3
    for at, done in enumerate(answered):
        if not done:
            refuse("missing_item", str(nominations[at]["id"]))


def accept_bundle(bundle: VerifiedBundle, clerk: Clerk) -> str:
    """'To accept a bundle', steps 1 to 8, after verifying it. Returns `accepted`,
    `already_have` or `waiting`; raises `Refused` otherwise."""
    h = bundle.header
    # 1.
    package = clerk.packages.get(h["package_hash"])
    if package is None or h["payload"]["sealed_to"] != package["clerk"]["age_recipient"]:
        refuse("other_package", h["package_hash"])
    # 2.
    if h["review_id"] != package["review"]["id"]:
        refuse("other_review", h["review_id"])
    # 3.
    expert = next(
        (
            e
            for e in package["experts"]
            if e["id"] == h["expert"]["id"] and e["name"] == h["expert"]["name"]
        ),
        None,
    )
    if expert is None:
        refuse("not_on_roster", h["expert"]["name"])
    # 4. Registration.
    mine = [
        r
        for r in clerk.registrations
        if r.expert_id == h["expert"]["id"] and r.fingerprint == bundle.fingerprint
    ]
    if not any(not r.revoked for r in mine):
        refuse("key_revoked" if mine else "key_not_registered", bundle.fingerprint)
    # 5. Sequence, over the chain of this package, expert and public key.
    chain = {
        r.sequence: r.bundle_hash
        for r in clerk.received
        if r.package_hash == h["package_hash"]
        and r.expert_id == h["expert"]["id"]
        and r.public_key == h["expert"]["public_key"]
    }
    sequence = h["sequence"]
    waiting = False
    if sequence in chain:
        if chain[sequence] == bundle.hash:
            return "already_have"
        refuse("conflicting_sequence", str(sequence))
    if chain and max(chain) > sequence:
        refuse("replayed_sequence", f"{sequence} < {max(chain)}")
    if sequence != 1:
        if sequence - 1 in chain:
            if h.get("previous_bundle_hash") != chain[sequence - 1]:
                refuse("broken_chain")
        else:
            waiting = True
    # 6. Decrypt.
    plain = decrypt(bundle.sealed, clerk.age_identity)
    payload = parse_json(plain)
    _whole(check_payload, payload)
    if (
        payload["package_hash"] != h["package_hash"]
        or payload["expert_id"] != h["expert"]["id"]
        or payload["sequence"] != h["sequence"]
    ):
        refuse("content_mismatch", "scores.age")
    # 7.
    check_items(package, expert, h["scored"], h["recused"], payload["items"])
    # 8.
    return "waiting" if waiting else "accepted"


def receive_bundle(path: str, clerk: Clerk) -> str:
    """A bundle file's verdict at the clerk's: verify, then accept."""
    try:
        return accept_bundle(verify_bundle(path), clerk)
    except Refused as r:
        return r.code


def check_package(path: str) -> str:
    """A package file's verdict on an expert's laptop."""
    try:
        verify_package(path)
        return "accepted"
    except Refused as r:
        return r.code


# ---------------------------------------------------------------------------------------
# Tally file.
# ---------------------------------------------------------------------------------------

TALLY = Format(
    max_file_bytes=1 << 20,
    max_entries=16,
    rules=[
        EntryRule("tally.json", lambda n: n == "tally.json", 256 << 10, True),
        EntryRule("tally.sig", lambda n: n == "tally.sig", 256, True),
        # 'Both or neither': checked after the container rules, in `verify_tally_bytes`.
        EntryRule("signed.json", lambda n: n == "signed.json", 4 << 10, False),
        EntryRule("signed.sig", lambda n: n == "signed.sig", 256, False),
    ],
)

TALLY_FORMAT = "paneldesk.meeting-tally"
SIGNING_FORMAT = "paneldesk.meeting-tally-signing"
TALLY_ORDER = ("tally.json", "tally.sig")
SIGNED_TALLY_ORDER = ("tally.json", "tally.sig", "signed.json", "signed.sig")
THRESHOLDS = ("more_than_half", "two_thirds")


def check_tally_doc(d: dict) -> None:
    """Tally file: 'then the whole document with the types above'."""
    w = "tally file"
    _check_review_and_ballot(d, w)
    tally = _obj(_field(d, "tally", w), "tally")
    _int(tally, "present", U32, "tally")
    for i, c in enumerate(_list(tally, "counts", "tally")):
        cw = f"tally.counts[{i}]"
        c = _obj(c, cw)
        _int(c, "nomination_id", ID, cw)
        for k in ("agree", "disagree", "abstain"):
            _int(c, k, U32, cw)
    _str(tally, "counted_by", "tally")
    _str(tally, "witnessed_by", "tally")
    chair = _obj(_field(d, "chair", w), "chair")
    _int(chair, "id", ID, "chair")
    _str(chair, "name", "chair")
    _str(d, "written_at", w)
    _str(d, "written_by", w)


def _check_review_and_ballot(d: dict, w: str) -> None:
    """`tally.json`'s `review` and `ballot`, with the types the page gives them (a ballot
    paper's `ballot.json` has the same two)."""
    review = _obj(_field(d, "review", w), "review")
    _str(review, "id", "review")
    _str(review, "title_zh", "review")
    ballot = _obj(_field(d, "ballot", w), "ballot")
    _int(ballot, "id", ID, "ballot")
    for k in ("category_key", "category_zh", "opened_at", "opened_by"):
        _str(ballot, k, "ballot")
    kind = _obj(_field(ballot, "kind", "ballot"), "ballot.kind")
    word = _str(kind, "kind", "ballot.kind")
    if word not in ("vote", "choose"):
        _fail("ballot.kind.kind: not vote or choose")
    # '`at_most` is read only for `choose`', and 'may also be null or missing'.
    if word == "choose" and _optional(kind, "at_most") is not None:
        _int(kind, "at_most", U32, "ballot.kind")
    _int(ballot, "places", U32, "ballot")
    if _str(ballot, "threshold", "ballot") not in THRESHOLDS:
        _fail("ballot.threshold: unknown")
    for i, e in enumerate(_list(ballot, "entries", "ballot")):
        ew = f"ballot.entries[{i}]"
        e = _obj(e, ew)
        _int(e, "nomination_id", ID, ew)
        _str(e, "display_name", ew)
        _str(e, "university", ew)
        if _optional(e, "score") is not None:
            _number(e, "score", ew)


def check_signing_doc(d: dict) -> None:
    """`signed.json`: 'then the whole document with the types above'."""
    _str(d, "tally_sha256", "signed.json")
    _str(d, "signed_at", "signed.json")


@dataclass
class VerifiedTally:
    doc: dict
    hash: str
    fingerprint: str
    signed_at: str | None = None
    file_hash: str = ""


def verify_tally_bytes(data: bytes | mmap.mmap) -> VerifiedTally:
    """'To verify a signed tally', steps 1 to 7."""
    # 1. The container rules, then the signing statement whole or not at all.
    archive = open_container(data, TALLY)
    has_json = archive.entry("signed.json") is not None
    has_sig = archive.entry("signed.sig") is not None
    if has_json and not has_sig:
        refuse("missing_entry", "signed.sig")
    if has_sig and not has_json:
        refuse("missing_entry", "signed.json")
    # 2.
    doc_bytes = archive.read("tally.json")
    sig_entry = archive.read("tally.sig")
    statement = (archive.read("signed.json"), archive.read("signed.sig")) if has_json else None
    # 3.
    key_hex, key = check_signature(sig_entry, doc_bytes)
    # 4.
    if statement is not None:
        also, _ = check_signature(statement[1], statement[0])
        if also != key_hex:
            refuse("key_mismatch", "signed.sig")
    # 5.
    if not is_canonical(archive, SIGNED_TALLY_ORDER if statement else TALLY_ORDER):
        refuse("not_canonical")
    # 6.
    doc = parse_json(doc_bytes)
    check_head(doc, TALLY_FORMAT)
    _whole(check_tally_doc, doc)
    tally_hash = sha256_hex(doc_bytes)
    # 7.
    signed_at = None
    if statement is not None:
        signing = parse_json(statement[0])
        check_head(signing, SIGNING_FORMAT)
        _whole(check_signing_doc, signing)
        if signing["tally_sha256"] != tally_hash:
            refuse("content_mismatch", "signed.json")
        signed_at = signing["signed_at"]
    return VerifiedTally(doc, tally_hash, fingerprint(key), signed_at, sha256_hex(bytes(data)))


def verify_tally(path: str) -> VerifiedTally:
    return _with_file(path, TALLY, verify_tally_bytes)


@dataclass
class TallyClerk:
    """What the clerk's review holds for confirming a tally: its id, the roster's size, the
    registrations, and each ballot as stored (`category_key`, `kind`, `places`,
    `threshold`, `entries` as nomination ids, `chair` {id, name} or null, `counted`,
    `tally_sha256` of the tally last written or null, `quorum` of its category)."""

    review_id: str
    experts: int
    registrations: list[Registration]
    ballots: dict[int, dict]


def _kind_key(kind: dict) -> tuple:
    """Step 3: the `kind` word and, for `choose`, `at_most` (missing is null)."""
    if kind["kind"] == "choose":
        return ("choose", kind.get("at_most"))
    return ("vote",)


def _impossible(ballot: dict, tally: dict, experts: int, quorum: int) -> str | None:
    """Step 8's rules, in order: why the counts cannot be, or None."""
    for key in ("counted_by", "witnessed_by"):
        name = tally[key]
        if trim(name) == "":
            return f"{key} empty"
        if len(name) > 40:
            return f"{key} longer than 40"
    present = tally["present"]
    if present == 0 or present > experts:
        return f"present {present} of {experts}"
    if present < quorum:
        return f"present {present} below quorum {quorum}"
    on_ballot = set(ballot["entries"])
    kind = ballot["kind"]["kind"]
    seen: set[int] = set()
    for c in tally["counts"]:
        nid = c["nomination_id"]
        if nid not in on_ballot:
            return f"{nid} not on the ballot"
        if nid in seen:
            return f"{nid} counted twice"
        seen.add(nid)
        if kind == "vote" and c["agree"] + c["disagree"] + c["abstain"] > present:
            return f"{nid}: more votes than present"
        if kind == "choose":
            if c["disagree"] != 0 or c["abstain"] != 0:
                return f"{nid}: against or abstain in a choice"
            if c["agree"] > present:
                return f"{nid}: more votes than present"
    for nid in ballot["entries"]:
        if nid not in seen:
            return f"{nid} has no count"
    if kind == "choose":
        k = ballot["kind"].get("at_most")
        if k is not None and sum(c["agree"] for c in tally["counts"]) > k * present:
            return "more ticks than at_most x present"
    return None


def confirm_tally(t: VerifiedTally, clerk: TallyClerk, ballot_id: int) -> str:
    """'To confirm a tally', steps 1 to 9, after verifying it."""
    d = t.doc
    # 1.
    if d["review"]["id"] != clerk.review_id:
        refuse("other_review", d["review"]["id"])
    # 2.
    if d["ballot"]["id"] != ballot_id:
        refuse("other_ballot", str(d["ballot"]["id"]))
    stored = clerk.ballots[ballot_id]
    named = d["ballot"]
    # 3.
    if (
        named["category_key"] != stored["category_key"]
        or _kind_key(named["kind"]) != _kind_key(stored["kind"])
        or named["places"] != stored["places"]
        or named["threshold"] != stored["threshold"]
        or [e["nomination_id"] for e in named["entries"]] != stored["entries"]
    ):
        refuse("ballot_mismatch")
    # 4.
    if stored["counted"]:
        refuse("ballot_counted")
    # 5.
    chair = stored["chair"]
    if chair is None or d["chair"]["id"] != chair["id"] or d["chair"]["name"] != chair["name"]:
        refuse("not_the_chair", d["chair"]["name"])
    # 6. Registration, as for bundles.
    mine = [
        r
        for r in clerk.registrations
        if r.expert_id == chair["id"] and r.fingerprint == t.fingerprint
    ]
    if not any(not r.revoked for r in mine):
        refuse("key_revoked" if mine else "key_not_registered", t.fingerprint)
    # 7.
    if stored["tally_sha256"] != t.hash:
        refuse("tally_changed")
    # 8. The stored ballot's own `kind` (equal to the file's by step 3).
    why = _impossible(
        {"entries": stored["entries"], "kind": stored["kind"]},
        d["tally"],
        clerk.experts,
        stored["quorum"],
    )
    if why is not None:
        refuse("impossible_tally", why)
    # 9.
    return "accepted"


# ---------------------------------------------------------------------------------------
# Tally file: what `audit verify` checks in a review file.
# ---------------------------------------------------------------------------------------


def _is_int(v: Any, lo: int, hi: int) -> bool:
    return type(v) is int and lo <= v <= hi


def _read_counted(text: str) -> dict | None:
    """'`counted_json` must read': the shapes the page gives, other fields ignored; None
    when it does not."""
    try:
        c = json.loads(text)
    except ValueError:
        return None
    try:
        c = _obj(c, "counted_json")
        t = _obj(_field(c, "tally", "counted_json"), "tally")
        tally = {
            "present": _int(t, "present", U32, "tally"),
            "counts": [
                {
                    "nomination_id": _int(_obj(x, "count"), "nomination_id", ID, "count"),
                    "agree": _int(x, "agree", U32, "count"),
                    "disagree": _int(x, "disagree", U32, "count"),
                    "abstain": _int(x, "abstain", U32, "count"),
                }
                for x in _list(t, "counts", "tally")
            ],
            "counted_by": _str(t, "counted_by", "tally"),
            "witnessed_by": _str(t, "witnessed_by", "tally"),
        }
        o = _obj(_field(c, "outcome", "counted_json"), "outcome")
        entries = []
        for x in _list(o, "entries", "outcome"):
            x = _obj(x, "entry")
            result = x.get("result")
            if result not in ("in", "out", None):
                _fail("entry.result")
            if type(_field(x, "passed", "entry")) is not bool:
                _fail("entry.passed")
            entries.append(
                {
                    "nomination_id": _int(x, "nomination_id", ID, "entry"),
                    "agree": _int(x, "agree", U32, "entry"),
                    "passed": x["passed"],
                    "result": result,
                }
            )
        still = _list(o, "still_tied", "outcome")
        if not all(_is_int(v, *ID) for v in still):
            _fail("outcome.still_tied")
        _str(c, "counted_at", "counted_json")
        _str(c, "recorded_by", "counted_json")
        votes = c.get("votes")
        if votes is not None:
            votes = [
                {
                    "expert_id": _int(_obj(v, "vote"), "expert_id", ID, "vote"),
                    "name": _str(v, "name", "vote"),
                    "fingerprint": _str(v, "fingerprint", "vote"),
                    "vote_sha256": _str(v, "vote_sha256", "vote"),
                }
                for v in _list(c, "votes", "counted_json")
            ]
        confirmed = c.get("confirmed")
        if confirmed is not None:
            confirmed = _obj(confirmed, "confirmed")
            confirmed = {
                "chair_id": _int(confirmed, "chair_id", ID, "confirmed"),
                "chair_name": _str(confirmed, "chair_name", "confirmed"),
                "fingerprint": _str(confirmed, "fingerprint", "confirmed"),
                "tally_sha256": _str(confirmed, "tally_sha256", "confirmed"),
            }
    except Malformed:
        return None
    return {
        "tally": tally,
        "outcome": {"entries": entries, "still_tied": still},
        "confirmed": confirmed,
        "votes": votes,
    }


def _tally_value(t: dict) -> dict:
    """A tally of `tally.json` with only the fields the page names."""
    return {
        "present": t["present"],
        "counts": [
            {k: c[k] for k in ("nomination_id", "agree", "disagree", "abstain")}
            for c in t["counts"]
        ],
        "counted_by": t["counted_by"],
        "witnessed_by": t["witnessed_by"],
    }


def decide(kind: dict, places: int, threshold: str, tally: dict) -> dict:
    """'What counts decide'."""
    present = tally["present"]

    def passes(agree: int) -> bool:
        if present == 0:
            return False
        if threshold == "more_than_half":
            return agree * 2 > present
        return agree * 3 >= present * 2

    fill = kind.get("at_most") if kind["kind"] == "choose" else places
    fill = places if fill is None else fill
    passing = sorted((c for c in tally["counts"] if passes(c["agree"])), key=lambda c: -c["agree"])
    winners: set[int] = set()
    level: list[int] = []
    if len(passing) <= fill:
        winners = {c["nomination_id"] for c in passing}
    elif fill > 0:
        a = passing[fill - 1]["agree"]
        tied = passing[fill]["agree"] == a
        for c in passing:
            if c["agree"] > a or (c["agree"] == a and not tied):
                winners.add(c["nomination_id"])
            elif c["agree"] == a:
                level.append(c["nomination_id"])
    entries = []
    for c in tally["counts"]:
        nid = c["nomination_id"]
        result = "in" if nid in winners else None if nid in level else "out"
        entries.append(
            {"nomination_id": nid, "agree": c["agree"], "passed": passes(c["agree"]), "result": result}
        )
    return {"entries": entries, "still_tied": sorted(level)}


def audit_tallies(review_path: str) -> str:
    """'What `audit verify` checks', on a review file: for each ballot in order of id,
    `<id>=laptop_votes`, `<id>=chair_signed` or `<id>=typed` when it is counted, then
    `<id>:<kind>` for its difference(s); space-separated."""
    con = sqlite3.connect(f"file:{review_path}?mode=ro", uri=True)
    try:
        review_id = con.execute("SELECT id FROM review").fetchone()[0]
        experts = con.execute("SELECT count(*) FROM expert").fetchone()[0]
        registered = set(con.execute("SELECT expert_id, fingerprint FROM expert_registration"))
        opened: dict[int, int | None] = {}
        opened_for_laptops: set[int] = set()
        counted_entries: dict[int, dict] = {}
        for action, detail in con.execute("SELECT action, detail FROM audit_log ORDER BY seq"):
            if action not in ("meeting.ballot_opened", "meeting.counted"):
                continue
            try:
                d = json.loads(detail)
            except ValueError:
                continue
            if not isinstance(d, dict) or not _is_int(d.get("ballot"), *ID):
                continue
            if action == "meeting.ballot_opened":
                chair = d.get("chair")
                opened[d["ballot"]] = chair if _is_int(chair, *ID) else None
                if d.get("voting") == "laptops":
                    opened_for_laptops.add(d["ballot"])
                else:
                    opened_for_laptops.discard(d["ballot"])
            else:
                counted_entries[d["ballot"]] = d
        decisions: dict[int, list] = {}
        for ballot, nomination, outcome in con.execute(
            "SELECT ballot_id, nomination_id, outcome FROM result_decision"
            " WHERE ballot_id IS NOT NULL ORDER BY id"
        ):
            decisions.setdefault(ballot, []).append((nomination, outcome))
        rows = {
            r[0]: r
            for r in con.execute(
                "SELECT id, category_key, kind_json, places, threshold, entries_json,"
                " chair_expert_id, counted_json, tally_sha256, signed_tally, voting, voters_json,"
                " paper_sha256 FROM meeting_ballot"
            )
        }
        kept_votes: dict[int, list] = {}
        for ballot, expert, file in con.execute(
            "SELECT ballot_id, expert_id, file FROM meeting_vote ORDER BY ballot_id, expert_id"
        ):
            kept_votes.setdefault(ballot, []).append((expert, bytes(file)))
    finally:
        con.close()
    said: list[str] = []
    for bid in sorted(set(rows) | set(opened) | set(counted_entries) | set(decisions)):
        audited = counted_entries.get(bid)
        decided = sorted(decisions.get(bid, []))
        row = rows.get(bid)
        if row is None or row[7] is None:
            if bid in counted_entries or (row is None and bid in opened):
                said.append(f"{bid}:tally_not_as_audited")
            if decided:
                said.append(f"{bid}:ballot_decisions_differ")
            continue
        (_, category_key, kind_json, places, threshold_json, entries_json, chair, text, sha, kept,
         voting, voters_json, paper_sha) = row
        stored = {
            "category_key": category_key,
            "kind": json.loads(kind_json),
            "places": places,
            "threshold": json.loads(threshold_json),
            "entries": [e["nomination_id"] for e in json.loads(entries_json)],
        }
        counted = _read_counted(text)
        try:
            raw = json.loads(text)
        except ValueError:
            raw = None
        votes = kept_votes.get(bid, [])
        # 'Any trace of laptop voting': the row's `voting`, `voters_json`, `paper_sha256`,
        # a kept vote, `counted_json.votes`, the opening or count entry.
        from_votes = (
            voting == "laptops"
            or voters_json is not None
            or paper_sha is not None
            or bool(votes)
            or (isinstance(raw, dict) and raw.get("votes") is not None)
            or bid in opened_for_laptops
            or (audited is not None and audited.get("votes") is not None)
        )
        chaired = (
            chair is not None
            or opened.get(bid) is not None
            or kept is not None
            or (counted is not None and counted["confirmed"] is not None)
            or (audited is not None and audited.get("confirmed_by") is not None)
        )
        if from_votes:
            said.append(f"{bid}=laptop_votes")
            why = _laptop_votes(bid, stored, paper_sha, votes, counted, audited, review_id,
                                registered)
            if why:
                said.append(f"{bid}:{why}")
        elif chaired:
            said.append(f"{bid}=chair_signed")
            why = _chair_signed(bid, stored, chair, opened.get(bid), kept, sha, counted,
                                audited, review_id, experts, registered)
            if why:
                said.append(f"{bid}:{why}")
        else:
            said.append(f"{bid}=typed")
            if (
                counted is None
                or audited is None
                or _tally_value(counted["tally"]) != audited.get("tally")
                or counted["outcome"] != audited.get("outcome")
            ):
                said.append(f"{bid}:tally_not_as_audited")
        if counted is not None:
            expected = sorted(
                (e["nomination_id"], e["result"])
                for e in counted["outcome"]["entries"]
                if e["result"] is not None
            )
            if decided != expected:
                said.append(f"{bid}:ballot_decisions_differ")
    return " ".join(said)


def _chair_signed(bid, stored, chair, opened_chair, kept, sha, counted, audited,
                  review_id, experts, registered) -> str | None:
    """A chair-confirmed ballot, steps 1 to 7: the first that fails, or None."""
    # 1.
    if kept is None:
        return "tally_not_kept"
    # 2.
    try:
        t = verify_tally_bytes(bytes(kept))
    except Refused:
        return "tally_signature"
    d = t.doc
    # 3.
    if chair != d["chair"]["id"] or opened_chair != d["chair"]["id"]:
        return "tally_signature"
    if (d["chair"]["id"], t.fingerprint) not in registered:
        return "tally_signature"
    # 4. As 'To confirm a tally' step 3 compares them.
    named = d["ballot"]
    if (
        d["review"]["id"] != review_id
        or named["id"] != bid
        or named["category_key"] != stored["category_key"]
        or _kind_key(named["kind"]) != _kind_key(stored["kind"])
        or named["places"] != stored["places"]
        or named["threshold"] != stored["threshold"]
        or [e["nomination_id"] for e in named["entries"]] != stored["entries"]
    ):
        return "tally_not_this_ballot"
    # 5.
    ids = [e["nomination_id"] for e in named["entries"]]
    if _impossible({"entries": ids, "kind": named["kind"]}, d["tally"], experts, 0) is not None:
        return "tally_changed"
    # 6.
    if counted is None:
        return "tally_changed"
    if counted["tally"] != _tally_value(d["tally"]):
        return "tally_changed"
    if counted["outcome"] != decide(named["kind"], named["places"], named["threshold"], d["tally"]):
        return "tally_changed"
    if counted["confirmed"] != {
        "chair_id": d["chair"]["id"],
        "chair_name": d["chair"]["name"],
        "fingerprint": t.fingerprint,
        "tally_sha256": t.hash,
    }:
        return "tally_changed"
    if sha != t.hash:
        return "tally_changed"
    # 7.
    if audited is None:
        return "tally_not_as_audited"
    file_sha = (audited.get("confirmed_by") or {}).get("file_sha256")
    if isinstance(file_sha, str) and file_sha != sha256_hex(bytes(kept)):
        return "tally_not_as_audited"
    return None


# ---------------------------------------------------------------------------------------
# Ballot paper and vote.
# ---------------------------------------------------------------------------------------

def _signed_once(json_name: str, sig_name: str) -> Format:
    """One JSON entry under one signature entry, with 'the same bounds as a tally file: at
    most 16 entries, at most 1 MiB in all'."""
    return Format(
        max_file_bytes=TALLY.max_file_bytes,
        max_entries=TALLY.max_entries,
        rules=[
            EntryRule(json_name, lambda n: n == json_name, 256 << 10, True),
            EntryRule(sig_name, lambda n: n == sig_name, 256, True),
        ],
    )


BALLOT_PAPER = _signed_once("ballot.json", "ballot.sig")
VOTE = _signed_once("vote.json", "vote.sig")

BALLOT_PAPER_FORMAT = "paneldesk.meeting-ballot"
VOTE_FORMAT = "paneldesk.meeting-vote"
VOTE_MARKS = ("agree", "disagree", "abstain")
CHOOSE_MARKS = ("chosen", "not_chosen")


def check_ballot_paper_doc(d: dict) -> None:
    """`ballot.json`: 'the types of `tally.json`'s `review` and `ballot`, and `voters` is
    an array of objects with `id` (integer) and `name` (string)'.

    SPEC GAP: `written_by` is only shown (`"…"`); read as a string, as every field the
    page shows with a string value."""
    w = "ballot paper"
    _check_review_and_ballot(d, w)
    for i, v in enumerate(_list(d, "voters", w)):
        vw = f"voters[{i}]"
        v = _obj(v, vw)
        _int(v, "id", ID, vw)
        _str(v, "name", vw)
    _str(d, "written_by", w)


def check_vote_doc(d: dict) -> None:
    """`vote.json`: 'strings, except `version` (integer), `ballot_id`, `expert.id`,
    `nomination_id` (integers) and the arrays shown; `mark` is one of `agree`,
    `disagree`, `abstain` … or `chosen`, `not_chosen`'.

    SPEC GAP: a `mark` that is none of the five words is read as a type error
    (`malformed_content`): the page gives `mark` those five values as its type; a word of
    the other kind of ballot is step 7's `invalid_vote`."""
    w = "vote"
    _str(d, "review_id", w)
    _int(d, "ballot_id", ID, w)
    _str(d, "paper_sha256", w)
    expert = _obj(_field(d, "expert", w), "expert")
    _int(expert, "id", ID, "expert")
    _str(expert, "name", "expert")
    for i, m in enumerate(_list(d, "marks", w)):
        mw = f"marks[{i}]"
        m = _obj(m, mw)
        _int(m, "nomination_id", ID, mw)
        if _str(m, "mark", mw) not in VOTE_MARKS + CHOOSE_MARKS:
            _fail(f"{mw}.mark: not one of the five words")
    _str(d, "cast_at", w)


@dataclass
class Signed:
    """A verified ballot paper or vote: its JSON, the SHA-256 of the JSON entry's bytes,
    and the key that signed it."""

    doc: dict
    hash: str
    key_hex: str
    fingerprint: str


def _verify_signed_json(data: bytes | mmap.mmap, fmt: Format, names: tuple, format_word: str,
                        check: Callable[[Any], None]) -> Signed:
    """'To verify a ballot paper or a vote'."""
    archive = open_container(data, fmt)
    # 'read the JSON entry, then the signature entry'.
    doc_bytes = archive.read(names[0])
    sig_entry = archive.read(names[1])
    key_hex, key = check_signature(sig_entry, doc_bytes)
    if not is_canonical(archive, names):
        refuse("not_canonical")
    doc = parse_json(doc_bytes)
    check_head(doc, format_word)
    _whole(check, doc)
    return Signed(doc, sha256_hex(doc_bytes), key_hex, fingerprint(key))


def verify_ballot_paper_bytes(data: bytes | mmap.mmap) -> Signed:
    return _verify_signed_json(
        data, BALLOT_PAPER, ("ballot.json", "ballot.sig"), BALLOT_PAPER_FORMAT,
        check_ballot_paper_doc,
    )


def verify_vote_bytes(data: bytes | mmap.mmap) -> Signed:
    return _verify_signed_json(
        data, VOTE, ("vote.json", "vote.sig"), VOTE_FORMAT, check_vote_doc
    )


def verify_ballot_paper(path: str) -> Signed:
    return _with_file(path, BALLOT_PAPER, verify_ballot_paper_bytes)


def verify_vote(path: str) -> Signed:
    return _with_file(path, VOTE, verify_vote_bytes)


def open_ballot_paper(paper: Signed, clerk_key: str, review_id: str, expert_id: int) -> str:
    """'The voter's laptop': with the package of this review (its `clerk.signing_key`
    and `review.id`) and the enrolled expert."""
    if paper.key_hex != clerk_key:
        refuse("key_mismatch", paper.fingerprint)
    if paper.doc["review"]["id"] != review_id:
        refuse("other_review", paper.doc["review"]["id"])
    if not any(v["id"] == expert_id for v in paper.doc["voters"]):
        refuse("not_a_voter", str(expert_id))
    return "accepted"


def marks_refusal(kind: dict, entries: list, marks: list, places: int) -> tuple[str, str] | None:
    """'To receive a vote', steps 7 and 8: the refusal the marks earn on a ballot of this
    `kind` (`{"kind": "vote"}` or `{"kind": "choose", "at_most": k}`) with these entries
    (nomination ids, in order) and `places`, or None."""
    # 7.
    if [m["nomination_id"] for m in marks] != list(entries):
        return "invalid_vote", "not one mark for each entry, in the ballot's order"
    words = CHOOSE_MARKS if kind["kind"] == "choose" else VOTE_MARKS
    for m in marks:
        if m["mark"] not in words:
            return "invalid_vote", f"{m['nomination_id']}: {m['mark']} on a {kind['kind']} ballot"
    # 8.
    if kind["kind"] == "choose":
        chosen = sum(1 for m in marks if m["mark"] == "chosen")
        # SPEC GAP: a choice whose `at_most` is null (the review stores it filled in, so
        # only a hand-made ballot has one) is held to its `places`, as 'What counts
        # decide' fills the places of such a choice.
        at_most = kind.get("at_most")
        at_most = places if at_most is None else at_most
        if chosen > at_most:
            return "too_many_chosen", f"{chosen} chosen, at most {at_most}"
    return None


@dataclass
class VoteClerk:
    """What the clerk's review holds for receiving a vote: its id, the registrations, and
    each ballot opened for laptops as stored (`kind`, `places`, `entries` as nomination
    ids, `voters` [{id, name}], `paper_sha256` of the paper written or null, `counted`, and
    `votes` {expert id: SHA-256 of the `vote.json` received})."""

    review_id: str
    registrations: list[Registration]
    ballots: dict[int, dict]


def receive_vote(v: Signed, clerk: VoteClerk, ballot_id: int) -> str:
    """'To receive a vote', steps 1 to 10, after verifying it."""
    d = v.doc
    stored = clerk.ballots.get(ballot_id)
    if stored is None:
        # 'the clerk's error, `bad_input`, before the file is read': not a verdict on it.
        refuse("bad_input", f"no ballot {ballot_id} opened for laptops")
    # 1.
    if d["review_id"] != clerk.review_id:
        refuse("other_review", d["review_id"])
    # 2.
    if d["ballot_id"] != ballot_id:
        refuse("other_ballot", str(d["ballot_id"]))
    # 3.
    if stored["counted"]:
        refuse("ballot_counted")
    # 4.
    if stored["paper_sha256"] is None or d["paper_sha256"] != stored["paper_sha256"]:
        refuse("not_this_paper", d["paper_sha256"])
    # 5.
    expert = d["expert"]
    if not any(x["id"] == expert["id"] and x["name"] == expert["name"] for x in stored["voters"]):
        refuse("not_a_voter", f"{expert['id']} {expert['name']}")
    # 6. Registration, as for bundles.
    mine = [
        r
        for r in clerk.registrations
        if r.expert_id == expert["id"] and r.fingerprint == v.fingerprint
    ]
    if not any(not r.revoked for r in mine):
        refuse("key_revoked" if mine else "key_not_registered", v.fingerprint)
    # 7, 8.
    why = marks_refusal(stored["kind"], stored["entries"], d["marks"], stored["places"])
    if why is not None:
        refuse(*why)
    # 9.
    had = stored["votes"].get(expert["id"])
    if had is not None:
        if had == v.hash:
            return "already_have"
        refuse("already_voted", had)
    # 10.
    return "accepted"


def _laptop_votes(bid, stored, paper_sha, votes, counted, audited, review_id,
                  registered) -> str | None:
    """'What `audit verify` checks for a ballot counted from votes': the first check that
    fails, or None. `votes` are the kept (expert id, file bytes), by expert id."""
    verified = []
    for expert_id, file in votes:
        try:
            v = verify_vote_bytes(file)
        except Refused:
            return "vote_signature"
        d = v.doc
        if d["expert"]["id"] != expert_id or (expert_id, v.fingerprint) not in registered:
            return "vote_signature"
        if d["review_id"] != review_id or d["ballot_id"] != bid or d["paper_sha256"] != paper_sha:
            return "vote_not_this_ballot"
        if marks_refusal(stored["kind"], stored["entries"], d["marks"], stored["places"]):
            return "vote_not_this_ballot"
        verified.append((expert_id, v))
    if counted is None:
        return "votes_not_as_counted"
    listed = counted["votes"] or []
    if sorted((x["expert_id"], x["vote_sha256"]) for x in listed) != sorted(
        (e, v.hash) for e, v in verified
    ):
        return "votes_not_as_counted"
    recount = vote_tally(stored["entries"], [v.doc for _, v in verified])
    if counted["tally"]["present"] != recount["present"] or counted["tally"]["counts"] != recount["counts"]:
        return "votes_recount_differs"
    if counted["outcome"] != decide(stored["kind"], stored["places"], stored["threshold"], recount):
        return "votes_recount_differs"
    if audited is None or audited.get("votes") != listed:
        return "tally_not_as_audited"
    return None


def vote_tally(entries: list, votes: list) -> dict:
    """'To count from votes': `present` the number of votes; for each entry in order,
    `agree` the `agree` or `chosen` marks, `disagree` and `abstain` their own."""
    def marks(nid: int, words: tuple) -> int:
        return sum(1 for v in votes for m in v["marks"] if m["nomination_id"] == nid and m["mark"] in words)

    return {
        "present": len(votes),
        "counts": [
            {
                "nomination_id": nid,
                "agree": marks(nid, ("agree", "chosen")),
                "disagree": marks(nid, ("disagree",)),
                "abstain": marks(nid, ("abstain",)),
            }
            for nid in entries
        ],
    }
