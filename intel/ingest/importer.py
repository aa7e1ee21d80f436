"""Import real data — talents, profiles, snapshots, posts, comments, campaigns, deliverables — from CSV or JSON Lines.

`python -m intel import KIND FILE [--talent HANDLE] [--dry-run] [--map COL=FILE_COL,…] [--errors FILE]
[--encoding NAME] [--verbose]`, or `intel.service.imports.import_file(identity, kind, path_or_binary_stream, …)
-> ImportReport` from a page (that façade checks the "import" capability; `import_file` here takes the
engine and checks nothing).

- Streamed in batches of 5,000 rows; each batch is one transaction (never half-written).
- Idempotent: rows are upserted on their natural key (talent: primary_handle, ignoring case and a
  leading @; profile: platform + account_id; snapshot: profile + captured_on; post: platform +
  platform_post_id; comment: post + platform_comment_id). Re-importing a file creates no duplicates
  and updates changed values; within one file the last row with a key wins, and each further row with a
  key is counted as a duplicate however far apart.
- Valid rows are imported; each refused row is reported (line, column, value, reason) and written to
  an error file that can be fixed and re-imported. A file that is not what it claims is refused
  whole (ImportRefused) before anything is written.
- Captions and comments are scored (intel.annotate) as they are written; the cache of every talent
  touched is invalidated; one AdminActivity row (action "import") records the run. A dry run reads
  and validates only: no writes, no scoring, no audit row; its counts (and exit code) are the import's.
Columns and rules: docs/import.md.
"""

from __future__ import annotations

import argparse
import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ParamSpec

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from intel.accounts.audit import record as audit_record
from intel.db.engine import session_factory
from intel.db.generations import bump_generations
from intel.errors import ImportAborted, ImportRefused
from intel.ingest.campaign_kinds import CAMPAIGNS, DELIVERABLES
from intel.ingest.campaign_write import CampaignWriter
from intel.ingest.parse import KINDS as ROSTER_KINDS
from intel.ingest.parse import KindSpec, RowError, parse_mapping, parse_row
from intel.ingest.read import ErrorFile, FileReader, Record, source_size
from intel.ingest.write import BATCH_SIZE, BatchResult, BatchWriter
from intel.metrics import record as metrics

log = logging.getLogger(__name__)
P = ParamSpec("P")

MAX_BATCH_SIZE = 20_000  # SQLite's bound-parameter limit caps the reference lookups of one batch
MAX_REPORTED_ERRORS = 100  # RowErrors kept in the report for display; the error file has them all

__all__ = ["BATCH_SIZE", "KINDS", "ImportAborted", "ImportRefused", "ImportReport", "Progress", "RowError",
           "add_parser", "import_file", "parse_mapping", "parse_row", "source_size"]


@dataclass(frozen=True)
class Progress:
    """Where an import is, after each batch."""

    bytes_read: int
    total_bytes: int | None
    rows: int
    inserted: int
    updated: int
    unchanged: int
    refused: int

    @property
    def fraction(self) -> float | None:
        """0..1 of the file read, when its size is known."""
        return None if not self.total_bytes else min(1.0, self.bytes_read / self.total_bytes)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    file: str
    format: str
    dry_run: bool
    rows: int  # data rows read (blank lines not counted)
    inserted: int
    updated: int
    unchanged: int
    duplicates: int  # rows with the key of an earlier row of the file (near or far; the last one wins)
    refused: int
    errors: tuple[RowError, ...]  # the first MAX_REPORTED_ERRORS refusals
    errors_path: str | None  # the error file (all refused rows), when there were any and it is a file
    talent_ids: tuple[int, ...]
    elapsed_s: float
    batches: int
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (read, parse, resolve, …)

    @property
    def rows_per_s(self) -> float:
        """Rows read per second of the whole run."""
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def summary(self) -> str:
        """One line for people: what was (or would be) written and refused."""
        would = "would " if self.dry_run else ""
        inserted, updated = ("insert", "update") if self.dry_run else ("inserted", "updated")
        text = (f"{self.kind} from {self.file}: {self.rows:,} rows — {would}{inserted} {self.inserted:,}, "
                f"{would}{updated} {self.updated:,}, unchanged {self.unchanged:,}, refused {self.refused:,}")
        if self.duplicates:
            text += f", duplicates {self.duplicates:,} — the last row of a key wins"
        return text + f" ({self.elapsed_s:.1f} s, {self.rows_per_s:,.0f} rows/s)"

    @property
    def error_file_name(self) -> str:
        """A download name for the error file: `<file>-refused.csv`, or `.jsonl` for JSON Lines input."""
        return f"{Path(self.file).stem}-refused.{'csv' if self.format == 'csv' else 'jsonl'}"

    def error_file_bytes(self) -> bytes | None:
        """The error file's content (for a download button), or None when no row was refused."""
        return Path(self.errors_path).read_bytes() if self.errors_path else None


def _counted(run: Callable[P, ImportReport]) -> Callable[P, ImportReport]:
    """Count each import in `intel_jobs_total{job="import"}` by how it ended (completed, dry_run, refused,
    aborted, failed), with its duration."""
    @functools.wraps(run)
    def counted(*args: P.args, **kwargs: P.kwargs) -> ImportReport:
        started = time.perf_counter()
        outcome = "failed"
        try:
            report = run(*args, **kwargs)
            outcome = "dry_run" if report.dry_run else "completed"
            return report
        except ImportRefused:
            outcome = "refused"
            raise
        except ImportAborted:
            outcome = "aborted"
            raise
        finally:
            metrics.observe_job("import", outcome, time.perf_counter() - started)
    return counted


Writer = BatchWriter | CampaignWriter
# Every importable kind: the roster's data, then campaigns and their deliverables.
KINDS: dict[str, KindSpec] = {**ROSTER_KINDS, CAMPAIGNS.name: CAMPAIGNS, DELIVERABLES.name: DELIVERABLES}


@_counted
def import_file(kind: str, source: str | Path | bytes | IO[bytes], *, engine: Engine,
                mapping: Mapping[str, str] | str | None = None, talent: str | None = None, dry_run: bool = False,
                actor: str | None = None, errors_to: str | Path | IO[bytes] | None = None,
                progress: Callable[[Progress], None] | None = None, fmt: str | None = None,
                invalidate: Callable[..., None] | None = None, batch_size: int = BATCH_SIZE,
                parallel: bool = True, encoding: str | None = None) -> ImportReport:
    """Import one file of `kind` (talents, profiles, snapshots, posts, comments, campaigns, deliverables); see
    the module docstring.

    `source`: a path, bytes, or a binary stream (e.g. Streamlit's UploadedFile). `mapping`: {column:
    file column} or "col=file_col,…". `talent`: the handle of the one talent the file is about (rows of
    other talents are refused; profiles may omit talent_handle, snapshots/posts account_id). Refused
    rows go to `errors_to` (a path or binary stream), else to a temporary file (`report.errors_path`).
    `invalidate(*talent_ids)` drops cached intelligence of the talents written (without it, the talents'
    data generations are still bumped, so every cache drops them at its next generation resync); `actor`
    is the audit label. Raises ImportRefused when the file as a
    whole cannot be imported, ImportAborted when reading or the database stops it part-way.
    `parallel=False` keeps sentiment scoring in this process (see intel.ingest_score). `encoding`: the
    file's text encoding when it is not UTF-8 (e.g. "cp1252").
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ImportRefused(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    sessions = session_factory(engine)
    if isinstance(mapping, str):
        try:
            mapping = parse_mapping(mapping)
        except ValueError as exc:
            raise ImportRefused(f"--map: {exc}") from None
    batch_size = max(1, min(batch_size, MAX_BATCH_SIZE))
    run = _Run(kind, dry_run, batch_size, progress, source_size(source) if progress else None)
    with FileReader(source, spec, mapping=mapping, fmt=fmt, talent=talent, encoding=encoding) as reader:
        # Campaign kinds span several small tables: their own writer, the same contract.
        make = CampaignWriter if spec in (CAMPAIGNS, DELIVERABLES) else BatchWriter
        writer: Writer = make(engine, spec, dry_run=dry_run, talent=talent, parallel=parallel)
        writer.start()
        errors = ErrorFile(errors_to, reader)
        failure: ImportAborted | None = None
        try:
            run.read(reader, writer, errors, talent)
            run.collect(writer.finish())
            run.emit(reader, errors)  # the last batch is committed only now
            writer.analyze()
        except ImportAborted as exc:
            failure = ImportAborted(f"{exc}; {run.settle(writer)}")
        except SQLAlchemyError as exc:
            failure = ImportAborted(f"the database refused a batch ({_first_line(exc)}); nothing of that batch was "
                                    f"written; {run.settle(writer)}")
        finally:
            writer.close()
            errors.close()
            report = run.report(reader, errors)
            if not dry_run:  # rows of an aborted import count too: the batches before the failure stay
                metrics.import_rows(kind, inserted=report.inserted, updated=report.updated,
                                    unchanged=report.unchanged, refused=report.refused, duplicate=report.duplicates)
            if report.talent_ids and not dry_run:
                _invalidate(sessions, invalidate, report.talent_ids)
            if not dry_run:
                _audit(sessions, actor, report, failure)
    if failure is not None:
        raise failure
    log.info("import %s", report.summary())
    return report


class _Run:
    """The counters of one import and the read -> parse -> batch loop."""

    def __init__(self, kind: str, dry_run: bool, batch_size: int, progress: Callable[[Progress], None] | None,
                 total: int | None) -> None:
        self.kind, self.dry_run, self.batch_size, self.progress, self.total = kind, dry_run, batch_size, progress, total
        self.started = time.perf_counter()
        self.rows = self.batches = 0
        self.totals = BatchResult()
        self.errors: list[RowError] = []
        self.timings: dict[str, float] = {"read+parse": 0.0}
        self.writer_timings: dict[str, float] = {}

    def read(self, reader: FileReader, writer: Writer, errors: ErrorFile, talent: str | None) -> None:
        now = datetime.now(UTC)
        batch: list[tuple[Record, Any]] = []
        refused: list[tuple[Record, RowError]] = []
        self.writer_timings = writer.timings
        clock = time.perf_counter()
        for record in reader:
            self.rows += 1
            parsed = record.problem or parse_row(writer.spec, record.fields, line=record.line, now=now, talent=talent)
            if isinstance(parsed, RowError):
                refused.append((record, parsed))
            else:
                batch.append((record, parsed))
            if len(batch) >= self.batch_size:
                self.timings["read+parse"] += time.perf_counter() - clock
                self._flush(reader, writer, errors, batch, refused)
                batch, refused = [], []
                clock = time.perf_counter()
        self.timings["read+parse"] += time.perf_counter() - clock
        self._flush(reader, writer, errors, batch, refused)

    def collect(self, results: list[BatchResult]) -> None:
        """Count batches that are committed (or, in a dry run, checked)."""
        t = self.totals
        for result in results:
            self.batches += 1
            t.inserted, t.updated = t.inserted + result.inserted, t.updated + result.updated
            t.unchanged, t.duplicates = t.unchanged + result.unchanged, t.duplicates + result.duplicates
            t.talent_ids |= result.talent_ids

    def settle(self, writer: Writer) -> str:
        """After a failure: let the batch in flight finish if it can; what stays imported, in words."""
        try:
            self.collect(writer.finish())
        except SQLAlchemyError as exc:
            log.error("import: the batch in flight failed too: %s", _first_line(exc))
        return (f"{self.batches} batches before it were committed ({self.totals.inserted:,} inserted, "
                f"{self.totals.updated:,} updated) — fix the file and import it again (re-importing is idempotent)")

    def _flush(self, reader: FileReader, writer: Writer, errors: ErrorFile, batch: list[tuple[Record, Any]],
               refused: list[tuple[Record, RowError]]) -> None:
        if batch:
            refused_now, done = writer.write(batch)
            self.collect(done)
            refused = refused + refused_now
        for record, error in sorted(refused, key=lambda pair: pair[1].line):
            errors.add(record, error)
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(error)
        self.emit(reader, errors)

    def emit(self, reader: FileReader, errors: ErrorFile) -> None:
        """Report progress: bytes read, rows read, committed counts."""
        if self.progress is not None:
            t = self.totals
            self.progress(Progress(reader.bytes_read, self.total, self.rows, t.inserted, t.updated, t.unchanged,
                                   errors.count))

    def report(self, reader: FileReader, errors: ErrorFile) -> ImportReport:
        t = self.totals
        return ImportReport(self.kind, reader.name, reader.format, self.dry_run, self.rows, t.inserted, t.updated,
                            t.unchanged, t.duplicates, errors.count, tuple(self.errors), errors.path,
                            tuple(sorted(t.talent_ids)), round(time.perf_counter() - self.started, 3), self.batches,
                            {k: round(v, 3) for k, v in {**self.timings, **self.writer_timings}.items()})


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]


def _invalidate(sessions: Any, invalidate: Callable[..., None] | None, talent_ids: Any) -> None:
    """The provider's invalidation, or at least the generation bump the caches check against."""
    if invalidate is not None:
        invalidate(*talent_ids)
        return
    try:
        bump_generations(sessions, talent_ids)
    except SQLAlchemyError as exc:
        log.error("data generation bump of %d talents failed: %s", len(talent_ids), exc)


def _audit(sessions: Any, actor: str | None, report: ImportReport, failure: ImportAborted | None) -> None:
    audit_record(sessions, actor or "api", "import", report.file[:200], kind=report.kind, file=report.file,
                 format=report.format, rows=report.rows, inserted=report.inserted, updated=report.updated,
                 unchanged=report.unchanged, duplicates=report.duplicates, refused=report.refused,
                 talents=len(report.talent_ids), elapsed_s=report.elapsed_s,
                 outcome="aborted: " + str(failure)[:300] if failure else "completed")


# --- command line -----------------------------------------------------------------------------------------------

def add_parser(groups: argparse._SubParsersAction[argparse.ArgumentParser],
               handler: Callable[[argparse.Namespace], int]) -> None:
    """Register the `import` subcommand, run by `handler` (the CLI's, which acts as the system identity)."""
    parser = groups.add_parser("import", help="import talents, profiles, snapshots, posts or comments (CSV/JSONL)",
                               description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=tuple(KINDS), help="what the file holds")
    parser.add_argument("file", help="a .csv or .jsonl file (UTF-8, or see --encoding)")
    parser.add_argument("--talent", metavar="HANDLE", default=None,
                        help="the one talent the file is about: other talents' rows are refused")
    parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    parser.add_argument("--map", metavar="COL=FILE_COL,…", action="append", default=[],
                        help="read a column under another header, e.g. platform_post_id=id,posted_at=timestamp")
    parser.add_argument("--errors", metavar="FILE", default=None,
                        help="write refused rows here (default: a temporary file, named at the end)")
    parser.add_argument("--format", choices=("csv", "jsonl"), default=None, help="default: from the file name")
    parser.add_argument("--encoding", metavar="NAME", default=None,
                        help="the file's text encoding when it is not UTF-8, e.g. cp1252 (Windows-1252) or latin-1")
    parser.add_argument("--verbose", action="store_true", help="also print log messages (INFO and up)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=argparse.SUPPRESS)
    parser.set_defaults(handler=handler)
