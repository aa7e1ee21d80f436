"""Text encodings of import files: which bytes could not be decoded, whether they look like Latin-1 /
Windows-1252, and what to tell the user to do about it."""

from __future__ import annotations

import codecs
import re
from typing import Any

from intel.errors import ImportRefused
from intel.ingest.parse import RowError, shown

UNDECODABLE = re.compile("[\ud800-\udfff\x00]")  # undecodable bytes (kept as surrogates), NUL
ESCAPED_RUN = re.compile("[\udc80-\udcff]+")  # consecutive undecodable bytes
LATIN_HINT = "it looks like Latin-1 / Windows-1252"
NUL = "contains a NUL character (U+0000), which the database cannot store"


def undecodable_bytes(text: str) -> bytes:
    """The bytes that could not be decoded, kept in `text` as surrogates U+DC80..U+DCFF, in order."""
    return bytes(ord(ch) - 0xDC00 for run in ESCAPED_RUN.findall(text) for ch in run)


def looks_latin(text: str) -> bool:
    """Whether the undecodable bytes of UTF-8-decoded `text` read as Latin-1 / Windows-1252: Windows-1252
    defines them all and they come one or two at a time (an accented letter, a curly quote) — multi-byte
    encodings such as Shift-JIS or GBK leave longer runs."""
    runs = ESCAPED_RUN.findall(text)
    if not runs or sum(map(len, runs)) > 1.5 * len(runs):
        return False
    try:
        undecodable_bytes(text).decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def encoding_advice(text: str, encoding: str, *, where: str = "", subject: str = "it") -> str:
    """What is wrong with undecodable `text` read as `encoding` and what to do: 'byte 0xE9 on line 4 — it
    looks like Latin-1 / Windows-1252; re-save it as UTF-8, or import it with encoding cp1252 (…)'."""
    raw = undecodable_bytes(text)
    first = (f"byte 0x{raw[0]:02X}" if raw else "a lone surrogate escape") + (f" {where}" if where else "")
    if encoding == "utf-8" and looks_latin(text):
        return (f"{first} — {LATIN_HINT}; re-save {subject} as UTF-8, or import {subject} with encoding cp1252 "
                "(--encoding cp1252)")
    return f"{first}; re-save {subject} as UTF-8, or name its encoding (--encoding, e.g. cp1252, latin-1)"


def encoding_label(encoding: str) -> str:
    """How an encoding is named in messages: UTF-8, or the codec's name."""
    return "UTF-8" if encoding == "utf-8" else encoding


def codec_name(encoding: str | None) -> str:
    """The normalised codec name of `encoding` (default UTF-8); ImportRefused for an unknown one."""
    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise ImportRefused(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)") from None


def encoding_problem(line: int, fields: dict[str, Any], encoding: str) -> RowError | None:
    """The row's error for undecodable bytes or a NUL in one of the kind's columns (others are ignored, as
    unknown columns are)."""
    for column, value in fields.items():
        found = UNDECODABLE.search(value) if isinstance(value, str) else None
        if found is None:
            continue
        if found.group() == "\x00":
            return RowError(line, column, shown(value), NUL)
        reason = f"not {encoding_label(encoding)}: " + encoding_advice(value, encoding, subject="the file")
        return RowError(line, column, shown(_as_written(value, encoding)), reason)
    return None


def _as_written(value: str, encoding: str) -> str:
    """A value with undecodable bytes as its writer saw it — Café, not Caf? — when it looks like Windows-1252."""
    if encoding != "utf-8" or not looks_latin(value):
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape, not a byte
        return value
