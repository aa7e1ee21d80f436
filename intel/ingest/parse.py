"""Import row parsing and validation: one row of raw values in, a typed row or one RowError out.

Pure: no database, no I/O, and never an exception for bad input — `parse_row` turns any mapping of
values (strings from CSV, scalars from JSON) into a `ParsedRow` or a `RowError` naming the column,
the value (truncated) and the reason. References to parents (talent handle, profile, post) are
only parsed here; `intel.ingest_write` resolves them against the database per batch.

Rules (also in docs/import.md):
- Empty cell = the column's default (nullable counts: unknown). Whitespace around ids, handles,
  counts, dates and choices is ignored; captions and comment texts are kept as written.
- Counts are whole numbers >= 0 ("1200", "1200.0", "1.2e3"); "12.5", "-3", "n/a" are refused.
- Timestamps: ISO 8601 with or without a zone (no zone = UTC; "Z", "+02:00", "+0200", a trailing
  " UTC"), a date alone (midnight UTC), or Unix time: seconds, or milliseconds when the number's
  magnitude is at least 1e11 (1e11 s would be the year 5138; 1e11 ms is 1973). Stored in UTC.
  Before 2000-01-01 or more than a day in the future is refused (a missing value or a wrong unit).
- String lengths are the model's (e.g. 100 for ids and handles); captions and comment texts are
  Text in the database but capped at 100,000 characters here: a longer one refuses the row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from intel.config import canonical_timezone
from intel.db.models import MEDIA_TYPES, PLATFORMS, TIERS

MAX_TEXT = 100_000  # captions and comment texts (Text columns) longer than this refuse the row
SHOWN_CHARS = 80  # characters of a refused value quoted in an error
BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
MS_THRESHOLD = 1e11  # |unix time| >= this is milliseconds

_ABSENT = object()
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_HEADER_SEP = re.compile(r"[\s\-]+")


class CellError(ValueError):
    """A value a column cannot take; the message is the reason shown to the user."""


@dataclass(frozen=True)
class RowError:
    """Why one row was refused: 1-based line of the file, column, the value (truncated) and the reason.

    (No slots: pages turn errors into tables with `vars(error)`.)
    """

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        """'line 12, likes '-3': negative count'; 'line 3: not valid JSON (…)' (a whole line is not quoted)."""
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        shown = f" {self.value!r}" if self.value and self.column else ""
        return f"{where}{shown}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A valid row: typed values of every column of its kind, and which columns the source gave."""

    values: dict[str, Any]
    present: frozenset[str]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import kind: how to parse it, whether it is required, its default."""

    name: str
    parse: Callable[..., Any]  # (text) -> value, or (text, now) -> value when `timed`
    required: bool = False
    default: Any = None
    help: str = ""
    timed: bool = False  # a date or time: checked against "now"
    keep_space: bool = False  # free text: kept as written, whitespace-only is a value


@dataclass(frozen=True)
class KindSpec:
    """An importable entity kind: its columns and which of them form the natural key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    by_name: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    def required(self, *, talent: str | None = None) -> tuple[str, ...]:
        """Columns a file must have (with `--talent`, the talent reference and account may be left out)."""
        waived = _WAIVED_WITH_TALENT.get(self.name, ()) if talent else ()
        return tuple(c.name for c in self.columns if c.required and c.name not in waived)


# --- cell parsers -----------------------------------------------------------------------------------------------

def shown(value: Any) -> str:
    """A value as quoted in an error: at most SHOWN_CHARS characters, undecodable bytes as U+FFFD."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > SHOWN_CHARS:
        text = f"{text[:SHOWN_CHARS]}… ({len(text):,} characters)"
    return text.encode("utf-8", "replace").decode("utf-8")


def string(limit: int) -> Callable[[str], str]:
    """A trimmed string of at most `limit` characters (the model's String length)."""

    def parse(text: str) -> str:
        value = text.strip()
        if len(value) > limit:
            raise CellError(f"longer than {limit} characters ({len(value):,})")
        return value

    return parse


def long_text(text: str) -> str:
    """A caption or comment text, kept as written, at most MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        raise CellError(f"longer than {MAX_TEXT:,} characters ({len(text):,}); captions and comment texts "
                        f"are capped at {MAX_TEXT:,}")
    return text


def choice(values: tuple[str, ...], what: str) -> Callable[[str], str]:
    """One of `values`, compared case-insensitively."""
    allowed = frozenset(values)

    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in allowed:
            raise CellError(f"unknown {what} (expected one of {', '.join(values)})")
        return value

    return parse


def count(limit: int = BIGINT_MAX) -> Callable[[str], int]:
    """A whole number >= 0 and <= `limit`."""

    def parse(text: str) -> int:
        value = text.strip()
        if value.isascii() and value.isdigit():
            if len(value) > 19:
                raise CellError(f"too large (at most {limit:,})")
            number = int(value)
        elif len(value) <= 40 and _NUMBER.fullmatch(value):
            real = float(value)
            if not math.isfinite(real):
                raise CellError(f"too large (at most {limit:,})")
            if not real.is_integer():
                raise CellError("not a whole number")
            number = int(real)
        else:
            raise CellError("not a whole number")
        if number < 0:
            raise CellError("negative count")
        if number > limit:
            raise CellError(f"too large (at most {limit:,})")
        return number

    return parse


def boolean(text: str) -> bool:
    """true/false, yes/no, y/n, t/f, 1/0 in any case."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError("not true or false (use true/false, yes/no or 1/0)")


def zone(text: str) -> str:
    """An IANA time zone name (any case), as the tz database spells it: `europe/lisbon` -> `Europe/Lisbon`."""
    value = canonical_timezone(text)
    if value is None:
        raise CellError("unknown time zone (use an IANA name like Europe/Lisbon, America/New_York or UTC)")
    return value


def timestamp(text: str, now: datetime | None = None) -> datetime:
    """An aware UTC datetime from ISO 8601 or Unix seconds/milliseconds (see module docstring)."""
    value = text.strip()
    if _NUMBER.fullmatch(value) and len(value) <= 40:
        seconds = float(value)
        if abs(seconds) >= MS_THRESHOLD:
            seconds /= 1000
        try:
            moment = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise CellError("not a valid Unix time") from None
    else:
        if value[-4:].upper() == " UTC":
            value = value[:-4]
        try:
            moment = datetime.fromisoformat(value)
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        except ValueError:
            raise CellError("not a date/time (use ISO 8601 like 2024-05-01T14:30:00Z, or Unix seconds "
                            "or milliseconds)") from None
        except OverflowError:
            raise CellError("date/time out of range") from None
    if moment < EARLIEST:
        raise CellError("before 2000-01-01 (a missing value or a wrong unit?)")
    if moment > (now or datetime.now(UTC)) + FUTURE_SLACK:
        raise CellError("in the future")
    return moment


def day(text: str, now: datetime | None = None) -> date:
    """A calendar day: YYYY-MM-DD, or any timestamp (its UTC day)."""
    value = text.strip()
    if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise CellError("not a date (use YYYY-MM-DD)") from None
    return timestamp(value, now).date()


# --- the kinds --------------------------------------------------------------------------------------------------

_ID = string(100)
_HANDLE = string(100)
_PLATFORM = choice(PLATFORMS, "platform")

TALENTS = KindSpec("talents", (
    Column("primary_handle", _HANDLE, required=True, help="the talent's natural key (matched ignoring case and "
                                                          "a leading @)"),
    Column("name", string(200), required=True, help="display name"),
    Column("category", string(60), default="", help="e.g. beauty, gaming"),
    Column("tier", choice(TIERS, "tier"), default="micro", help=" / ".join(TIERS)),
    Column("timezone", zone, default=None, help="IANA time zone of the best-time table, e.g. Europe/Lisbon "
                                                "(empty: INTEL_TIMEZONE)"),
), key=("primary_handle",))

PROFILES = KindSpec("profiles", (
    Column("talent_handle", _HANDLE, required=True, help="primary_handle of an imported talent"),
    Column("platform", _PLATFORM, required=True, help=" / ".join(PLATFORMS)),
    Column("account_id", _ID, required=True, help="the platform's account id"),
    Column("handle", _HANDLE, required=True, help="the account's handle on the platform"),
    Column("connected", boolean, default=True, help="true/false"),
    Column("last_synced_at", timestamp, default=None, help="timestamp", timed=True),
), key=("platform", "account_id"))

SNAPSHOTS = KindSpec("snapshots", (
    Column("platform", _PLATFORM, required=True),
    Column("account_id", _ID, required=True),
    Column("captured_on", day, default=None, help="day of the snapshot (or taken from captured_at)", timed=True),
    Column("captured_at", timestamp, default=None, help="time of capture (or midnight UTC of captured_on)",
           timed=True),
    Column("followers", count(), required=True),
    Column("following", count(), default=None),
    Column("posts_count", count(INT_MAX), default=None),
), key=("platform", "account_id", "captured_on"))

POSTS = KindSpec("posts", (
    Column("platform", _PLATFORM, required=True),
    Column("account_id", _ID, required=True),
    Column("platform_post_id", _ID, required=True),
    Column("posted_at", timestamp, required=True, timed=True),
    Column("media_type", choice(MEDIA_TYPES, "media type"), default="image", help=" / ".join(MEDIA_TYPES)),
    Column("caption", long_text, default="", keep_space=True),
    Column("likes", count(), default=0),
    Column("comments", count(), default=0),
    Column("shares", count(), default=0),
    Column("saves", count(), default=0),
    Column("views", count(), default=None),
    Column("is_sponsored", boolean, default=False),
), key=("platform", "platform_post_id"))

COMMENTS = KindSpec("comments", (
    Column("platform", _PLATFORM, required=True),
    Column("platform_post_id", _ID, required=True, help="the post, with platform"),
    Column("platform_comment_id", _ID, required=True),
    Column("created_at", timestamp, required=True, timed=True),
    Column("text", long_text, default="", keep_space=True),
    Column("author_handle", _HANDLE, default=""),
    Column("is_talent_reply", boolean, default=False),
), key=("platform", "platform_post_id", "platform_comment_id"))

# The kinds of the roster's data, by name (the importer adds the campaign kinds: intel.ingest.campaign_kinds).
KINDS: dict[str, KindSpec] = {spec.name: spec for spec in (TALENTS, PROFILES, SNAPSHOTS, POSTS, COMMENTS)}
_WAIVED_WITH_TALENT: dict[str, tuple[str, ...]] = {
    "profiles": ("talent_handle",), "snapshots": ("account_id",), "posts": ("account_id",)}


def normalize_name(name: str) -> str:
    """A header or mapping name as matched: trimmed, lower case, spaces and dashes as underscores."""
    return _HEADER_SEP.sub("_", name.strip().lower())


def normalize_handle(handle: str) -> str:
    """A talent handle as matched: trimmed, without a leading @, lower case."""
    return handle.strip().lstrip("@").lower()


def parse_mapping(text: str | None) -> dict[str, str]:
    """`platform_post_id=id,posted_at=timestamp` -> {"platform_post_id": "id", ...}; ValueError if malformed."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        target, sep, source = part.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise ValueError(f"mapping {part.strip()!r} is not COLUMN=FILE_COLUMN")
        mapping[normalize_name(target)] = source.strip()
    return mapping


def _scalar(value: Any) -> str:
    """A JSON scalar as the text a CSV cell would hold; CellError for lists and objects."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise CellError("a list or object where a plain value is expected")


def parse_row(kind: str | KindSpec, fields: Mapping[str, Any], *, line: int = 0, now: datetime | None = None,
              talent: str | None = None) -> ParsedRow | RowError:
    """Validate one row of `kind`; `fields` maps column names to raw values (absent = not in the file).

    Returns a ParsedRow with every column typed (defaults for empty and absent ones), or the first
    problem as a RowError. Never raises for any content of `fields`.
    """
    spec = kind if isinstance(kind, KindSpec) else KINDS[kind]
    now = now or datetime.now(UTC)
    waived = _WAIVED_WITH_TALENT.get(spec.name, ()) if talent else ()
    values: dict[str, Any] = {}
    present = []
    for column in spec.columns:
        name = column.name
        raw = fields.get(name, _ABSENT)
        if raw is _ABSENT:
            raw = None
        else:
            present.append(name)
        try:
            if raw is not None and not isinstance(raw, str):
                raw = _scalar(raw)
            if raw is None or raw == "" or (not column.keep_space and raw.isspace()):
                value = column.default
            elif column.timed:
                value = column.parse(raw, now)
            else:
                value = column.parse(raw)
        except CellError as exc:
            return RowError(line, name, shown(raw), str(exc))
        if column.required and (value is None or value == "") and name not in waived:
            return RowError(line, name, "", "missing required value")
        values[name] = value
    if spec is SNAPSHOTS:
        error = _snapshot_times(values, line)
        if error is not None:
            return error
    if spec is PROFILES and talent and not values["talent_handle"]:
        values["talent_handle"] = talent.strip()
    return ParsedRow(values, frozenset(present))


def _snapshot_times(values: dict[str, Any], line: int) -> RowError | None:
    """A snapshot needs captured_on or captured_at; each defaults from the other."""
    on, at = values["captured_on"], values["captured_at"]
    if on is None and at is None:
        return RowError(line, "captured_on", "", "missing required value (give captured_on or captured_at)")
    if on is None:
        values["captured_on"] = at.date()
    elif at is None:
        values["captured_at"] = datetime(on.year, on.month, on.day, tzinfo=UTC)
    return None

