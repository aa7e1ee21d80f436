"""Import files as a stream of records: sniffing, CSV and JSON Lines, column mapping, the error file.

Nothing is loaded whole: bytes are read through a buffered, counting stream and decoded as UTF-8
(a BOM is dropped), or as the encoding the caller names; undecodable bytes are kept as surrogates so
that the row can be refused for its encoding — naming the byte and the likely encoding — and written
back unchanged to the error file. A file that is not what it claims
(binary, empty, no header, the wrong delimiter, required columns missing, not JSON Lines) raises
ImportRefused before any row is imported.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from intel.errors import ImportAborted, ImportRefused
from intel.ingest.encoding import (
    ESCAPED_RUN,
    UNDECODABLE,
    codec_name,
    encoding_advice,
    encoding_label,
    encoding_problem,
    undecodable_bytes,
)
from intel.ingest.parse import KindSpec, RowError, normalize_name, shown

HEAD_BYTES = 64 * 1024  # sniffed before reading: binary, empty, format
FIELD_LIMIT = 32 * 1024 * 1024  # one CSV field: far above MAX_TEXT, bounds a runaway quote
ERROR_COLUMNS = ("error_line", "error_column", "error_reason")
FORMATS = ("csv", "jsonl")
_MAGIC = {b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook?)", b"%PDF": "a PDF document",
          b"\x1f\x8b": "gzip-compressed", b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
          b"\xff\xfe": "UTF-16 text", b"\xfe\xff": "UTF-16 text", b"SQLite format": "an SQLite database"}


@dataclass(slots=True)
class Record:
    """One data row: its first line, the kind's columns it gives, the original for the error file."""

    line: int
    fields: dict[str, Any]
    original: Any  # list[str] for CSV, dict or str for JSON Lines
    problem: RowError | None = None


class _Counting(io.RawIOBase):
    """A raw stream over `head` then `rest`, counting the bytes handed out."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest, self.count = memoryview(head), rest, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            data = self._rest.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.count += n
        return n


def source_name(source: Any) -> str:
    """A file name for messages and the audit log."""
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "upload")).name


def source_size(source: Any) -> int | None:
    """Bytes in the source when known (path, bytes, or a seekable stream)."""
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    if isinstance(source, bytes | bytearray):
        return len(source)
    size = getattr(source, "size", None)  # Streamlit's UploadedFile
    if isinstance(size, int):
        return size
    try:
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
        return int(end - here)
    except (AttributeError, OSError, ValueError):
        return None


class FileReader:
    """Open a source, sniff it, and iterate its records (use as a context manager)."""

    def __init__(self, source: Any, spec: KindSpec, *, mapping: Mapping[str, str] | None = None,
                 fmt: str | None = None, talent: str | None = None, encoding: str | None = None) -> None:
        self.spec, self.name, self.talent = spec, source_name(source), talent
        self.encoding = codec_name(encoding)
        self.mapping = {normalize_name(k): v for k, v in (mapping or {}).items()}
        unknown = [k for k in self.mapping if k not in spec.by_name]
        if unknown:
            raise ImportRefused(f"--map names {', '.join(unknown)}, not a column of {spec.name} "
                                f"(columns: {', '.join(spec.by_name)})")
        self._owned: IO[bytes] | None = None
        if isinstance(source, str | os.PathLike):
            try:
                raw: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise ImportRefused(f"cannot open {source}: {exc.strerror or exc}") from None
            self._owned = raw
        elif isinstance(source, bytes | bytearray):
            raw = io.BytesIO(bytes(source))
        else:
            raw = source
        try:
            self._open(raw, fmt)
        except BaseException:
            self.close()
            raise

    def _open(self, raw: IO[bytes], fmt: str | None) -> None:
        head = raw.read(HEAD_BYTES)
        if isinstance(head, str):
            raise TypeError("open the file in binary mode ('rb'), or pass its path or bytes")
        self._sniff(head)
        self.format = fmt or _format_of(self.name, head, self.encoding)
        if self.format not in FORMATS:
            raise ImportRefused(f"unknown format {self.format!r} (expected csv or jsonl)")
        self._counter = _Counting(head, raw)
        buffered = io.BufferedReader(self._counter, buffer_size=256 * 1024)
        self._text = io.TextIOWrapper(buffered, encoding="utf-8-sig" if self.encoding == "utf-8" else self.encoding,
                                      errors="surrogateescape", newline="")
        self.header: list[str] = []  # CSV: the original header, for the error file
        self._records = self._csv() if self.format == "csv" else self._jsonl()
        self._first = next(self._records, None)  # reads the header / first object: refusals happen now

    @property
    def bytes_read(self) -> int:
        """Bytes consumed from the source so far (read ahead in chunks)."""
        return self._counter.count

    def __enter__(self) -> FileReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file if this reader opened it."""
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def __iter__(self) -> Iterator[Record]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
            yield from self._records

    # --- sniffing -------------------------------------------------------------------------------------------

    def _sniff(self, head: bytes) -> None:
        wide = self.encoding.startswith(("utf-16", "utf-32"))  # named by the caller: NUL bytes are expected
        what = next((label for magic, label in _MAGIC.items() if head.startswith(magic)), None)
        if what and not (wide and what == "UTF-16 text"):
            raise ImportRefused(f"{self.name} is {what}, not a CSV or JSON Lines text file; export it as "
                                "CSV (UTF-8) or JSON Lines")
        if not head.removeprefix(b"\xef\xbb\xbf").strip():
            raise ImportRefused(f"{self.name} is empty")
        if b"\x00" in head and not wide:
            raise ImportRefused(f"{self.name} is a binary file (it contains NUL bytes), not CSV or JSON Lines "
                                "text")
        if self.encoding != "utf-8":
            return
        decoded = (head[:-3] if len(head) >= HEAD_BYTES else head).decode("utf-8", "surrogateescape")  # a cut char
        bad = ESCAPED_RUN.search(decoded)
        if bad and len(undecodable_bytes(decoded)) > max(8, len(decoded) // 20):
            line = decoded.count("\n", 0, bad.start()) + 1
            raise ImportRefused(f"{self.name} is not UTF-8: " + encoding_advice(decoded, "utf-8",
                                                                                where=f"on line {line}"))

    def _columns(self, names: list[str], *, what: str) -> dict[str, str]:
        """Map the kind's columns to the file's (normalised) names, applying --map; refuse when required
        columns are missing."""
        normalized = [normalize_name(n) for n in names]
        seen = set()
        for name in normalized:
            if name in seen and name:
                raise ImportRefused(f"{self.name}: column {name!r} appears twice in the {what}")
            seen.add(name)
        for target, source in self.mapping.items():
            if normalize_name(source) not in seen:
                raise ImportRefused(f"{self.name}: --map {target}={source}: the {what} has no column {source!r} "
                                    f"(it has: {_listing(names)})")
        columns = {c: normalize_name(self.mapping[c]) for c in self.spec.by_name if c in self.mapping}
        columns.update({c: c for c in self.spec.by_name if c not in columns and c in seen})
        missing = [c for c in self.spec.required(talent=self.talent) if c not in columns]
        if self.spec.name == "snapshots" and "captured_on" not in columns and "captured_at" not in columns:
            missing.append("captured_on or captured_at")
        if missing:
            raise ImportRefused(self._missing_message(names, missing, what))
        return columns

    def _missing_message(self, names: list[str], missing: list[str], what: str) -> str:
        """The cause first: another separator, no header row, or which required columns are missing."""
        required = self.spec.required(talent=self.talent)
        if self.format == "csv" and len(names) == 1:
            sep = next((s for s in (";", "\t", "|") if s in names[0]), None)
            if sep:
                shown_sep = "tab" if sep == "\t" else repr(sep)
                return (f"{self.name} seems to use {shown_sep} as separator, not a comma: export it comma-separated "
                        f"(its {what} reads as one column, {_listing(names)})")
        if self.format == "csv" and any(_looks_like_data(n) for n in names):
            return (f"{self.name} has no header row: its first line looks like data ({_listing(names)}); the file "
                    f"needs a header row naming its columns (required: {', '.join(required)})")
        lacks = f"{self.name} is not a {self.spec.name} file: the {what} lacks {', '.join(missing)}"
        if set(missing) != set(required):
            lacks += f" (required: {', '.join(required)})"
        return f"{lacks}; found: {_listing(names)}"

    # --- CSV ------------------------------------------------------------------------------------------------

    def _csv(self) -> Iterator[Record]:
        if csv.field_size_limit() < FIELD_LIMIT:
            csv.field_size_limit(FIELD_LIMIT)
        reader = csv.reader(self._text)
        end = 0
        header: list[str] | None = None
        try:
            for row in reader:
                start, end = end + 1, reader.line_num
                if not row or not any(row):
                    continue
                if header is None:
                    if UNDECODABLE.search("".join(row)):
                        raise ImportRefused(f"{self.name}: the header (line {start}) is not "
                                            f"{encoding_label(self.encoding)}: "
                                            + encoding_advice("".join(row), self.encoding, subject="the file"))
                    header = self.header = row
                    columns = self._columns(row, what="header")
                    positions = {c: [normalize_name(n) for n in row].index(src) for c, src in columns.items()}
                    width = len(row)
                    continue
                fields = {c: row[i] for c, i in positions.items() if i < len(row)}
                problem = None
                if len(row) != width:
                    problem = RowError(start, "", "", f"{len(row)} fields where the header has {width} (an "
                                                      "unquoted comma or quote?)")
                elif UNDECODABLE.search("".join(row)):
                    problem = encoding_problem(start, fields, self.encoding)
                yield Record(start, fields, row, problem)
        except csv.Error as exc:
            raise ImportAborted(f"{self.name} line {end + 1}: unreadable CSV ({exc})") from None
        if header is None:
            raise ImportRefused(f"{self.name} is empty")

    # --- JSON Lines -----------------------------------------------------------------------------------------

    def _jsonl(self) -> Iterator[Record]:
        columns: dict[str, str] | None = None
        for number, text in enumerate(self._text, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except ValueError as exc:
                reason = f"not valid JSON ({_json_problem(exc)})"
                if columns is None:
                    raise ImportRefused(f"{self.name} line {number}: {reason} — the file is not JSON Lines "
                                        "(one JSON object per line)") from None
                yield Record(number, {}, text.rstrip("\r\n"), RowError(number, "", shown(text.strip()), reason))
                continue
            if not isinstance(obj, dict):
                reason = f"a JSON {_json_type(obj)}, not a JSON object"
                if columns is None:
                    hint = "; a JSON array of objects must be converted" if isinstance(obj, list) else ""
                    raise ImportRefused(f"{self.name} line {number}: {reason} — the file is not JSON Lines (one "
                                        f"JSON object per line{hint})")
                yield Record(number, {}, text.rstrip("\r\n"), RowError(number, "", shown(text.strip()), reason))
                continue
            keys = {normalize_name(str(k)): k for k in obj}
            if columns is None:
                columns = self._columns(list(obj), what="first object")
            fields = {c: obj[keys[src]] for c, src in columns.items() if src in keys}
            # Later objects may name columns the first did not.
            fields.update({c: obj[keys[c]] for c in self.spec.by_name if c not in columns and c in keys})
            # JSON escapes can also produce surrogates and NUL
            problem = encoding_problem(number, fields, self.encoding)
            yield Record(number, fields, obj, problem)
        if columns is None:
            raise ImportRefused(f"{self.name} is empty")


def _json_problem(exc: ValueError) -> str:
    """json's complaint about one record without its "line 1": records are one line, the file's line is ours."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg[:1].lower()}{exc.msg[1:]} at column {exc.colno}"
    return str(exc)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "null" if value is None else "boolean" if isinstance(value, bool) else "number"


def _format_of(name: str, head: bytes, encoding: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    return "jsonl" if head.decode(encoding, "ignore").lstrip("\ufeff").lstrip()[:1] == "{" else "csv"


def _looks_like_data(name: str) -> bool:
    value = name.strip()
    return bool(value) and (value[0].isdigit() or value.lower() in {"instagram", "tiktok", "youtube"})


def _listing(names: list[str], limit: int = 8) -> str:
    shown_names = ", ".join(repr(shown(n)) for n in names[:limit])
    return shown_names + (f", … ({len(names)} columns)" if len(names) > limit else "")


class ErrorFile:
    """Refused rows as they come: CSV (error_line, error_column, error_reason, then the original columns) for
    CSV input, JSON Lines (the original object plus those three keys) for JSON Lines input. Importing it
    again (after fixing) works as is: the error columns are not columns of any kind and are ignored."""

    def __init__(self, target: str | os.PathLike[str] | IO[bytes] | None, reader: FileReader) -> None:
        self.reader, self.count = reader, 0
        self._target = target
        self._binary: IO[bytes] | None = None
        self._text: io.TextIOWrapper | None = None
        self._writer: Any = None
        self.path: str | None = None

    def add(self, record: Record, error: RowError) -> None:
        """Append one refused row with its line, column and reason."""
        if self._text is None:
            self._open()
        assert self._text is not None
        self.count += 1
        extra = [str(error.line), error.column, error.reason]
        if self.reader.format == "csv":  # error columns first: a row with too many or too few fields stays aligned
            self._writer.writerow([*extra, *record.original])
        else:
            obj = dict(record.original) if isinstance(record.original, dict) else {"raw_line": record.original}
            obj.update(zip(ERROR_COLUMNS, (error.line, error.column, error.reason), strict=True))
            self._text.write(json.dumps(obj, ensure_ascii=False) + "\n")

    def _open(self) -> None:
        import tempfile

        if self._target is None:
            suffix = ".csv" if self.reader.format == "csv" else ".jsonl"
            handle = tempfile.NamedTemporaryFile(prefix="intel-import-errors-", suffix=suffix, delete=False)  # noqa: SIM115
            self.path, self._binary = handle.name, handle
        elif isinstance(self._target, str | os.PathLike):
            self.path = os.fspath(self._target)
            self._binary = open(self._target, "wb")  # noqa: SIM115 - closed in close()
        else:
            self._binary = self._target
        self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig" if self.reader.format == "csv"
                                      else "utf-8", errors="surrogateescape", newline="")
        if self.reader.format == "csv":
            self._writer = csv.writer(self._text, lineterminator="\r\n")
            self._writer.writerow([*ERROR_COLUMNS, *self.reader.header])

    def close(self) -> None:
        """Flush; close the file unless the caller passed its own stream."""
        if self._text is None:
            return
        self._text.flush()
        if self.path is None:
            self._text.detach()
        else:
            self._text.close()
        self._text = None
