"""Writing records that a program produced (a platform sync) through the importer's validated, idempotent path.

Each row is a mapping of the kind's import columns (`intel.ingest.parse.KINDS`) to values (datetimes and
dates are accepted as such); rows go through `parse_row` and `BatchWriter` exactly as the lines of a file do,
so the same checks refuse the same values and re-writing a row is an upsert on its natural key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from intel.ingest.parse import KINDS, ParsedRow, RowError, parse_row
from intel.ingest.read import Record
from intel.ingest.write import BatchWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Written:
    """What `write_records` did: rows inserted, updated, unchanged, the refused ones and the talents touched."""

    inserted: int
    updated: int
    unchanged: int
    refused: tuple[RowError, ...]
    talent_ids: frozenset[int]

    @property
    def written(self) -> int:
        """Rows inserted or changed."""
        return self.inserted + self.updated


def _cell(value: Any) -> Any:
    """A value as parse_row reads it: times and days as ISO text, the rest as given."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write_records(engine: Engine, kind: str, rows: Iterable[Mapping[str, Any]], *,
                  now: datetime | None = None) -> Written:
    """Validate and upsert `rows` of `kind` in one transaction; refused rows are returned, not written."""
    spec = KINDS[kind]
    now = now or datetime.now(UTC)
    batch: list[tuple[Record, ParsedRow]] = []
    refused: list[RowError] = []
    for line, row in enumerate(rows, start=1):
        fields = {k: _cell(v) for k, v in row.items()}
        parsed = parse_row(spec, fields, line=line, now=now)
        if isinstance(parsed, RowError):
            refused.append(parsed)
        else:
            batch.append((Record(line, fields, fields), parsed))
    if not batch:
        return Written(0, 0, 0, tuple(refused), frozenset())
    writer = BatchWriter(engine, spec, parallel=False)
    try:
        writer.start()
        refused_now, done = writer.write(batch)
        done += writer.finish()
    finally:
        writer.close()
    refused += [error for _, error in refused_now]
    if refused:
        log.warning("%d %s refused: %s", len(refused), kind, "; ".join(str(e) for e in refused[:3]))
    return Written(sum(r.inserted for r in done), sum(r.updated for r in done), sum(r.unchanged for r in done),
                   tuple(refused), frozenset(t for r in done for t in r.talent_ids))
