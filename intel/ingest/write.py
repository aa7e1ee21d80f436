"""Batched, idempotent import writes: resolve references, dedupe, classify, score, upsert.

Per batch: parents are resolved with one SELECT per batch (plus a bounded LRU cache across batches);
rows are deduplicated on their natural key (the last row of the file wins: ON CONFLICT cannot touch a
row twice in one statement); compared with what is stored (inserted / updated / unchanged, one keyed
SELECT) and counted once per key of the file (see Counts); the texts of rows to write are scored
through intel.annotate (intel.ingest_score); and the batch is written in ONE transaction — INSERT …
ON CONFLICT (natural key) DO UPDATE with the dialect's insert, new rows by COPY first on PostgreSQL — so
a batch is never half-written.

Talents have no unique constraint on their handle: they are matched by a SELECT on the normalised
handle and inserted or updated by id, on PostgreSQL under an advisory lock so two imports cannot
both insert one handle. Imports never read or write demo rows: a reference to a demo parent, or a
key that a demo row holds, refuses the row. A dry run does the same reads and no writes.

Counts: each key of the file is counted once — inserted, updated or unchanged as its first row finds the
database (a later row that changes a key counted unchanged makes it updated) — and every further row with
that key, near or far, is a duplicate. The keys seen are remembered for the whole import (a 16-byte digest
each, ~90 MB per 1,000,000 keys), so a dry run, which writes nothing between batches, counts exactly what
the import does.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Select, Table, and_, bindparam, func, insert, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent
from intel.ingest.parse import KindSpec, ParsedRow, RowError, shown
from intel.ingest.read import Record
from intel.ingest.refs import HANDLE_KEY, BatchResult, Item, References
from intel.ingest.score import Scorer, apply_scores

log = logging.getLogger(__name__)

BATCH_SIZE = 5_000
KEYS_PER_QUERY = 5_000  # keys per keyed SELECT (SQLite allows 32,766 bound parameters)
ANALYZE_AFTER = 10_000  # rows inserted before the table's statistics are refreshed (PostgreSQL)
_LOCK_KEY = 0x1A7E_0017  # pg_advisory_xact_lock key of talent imports

# Declarative models type __table__ as a FromClause; these are plain Tables.
_T, _P, _S, _C = (cast(Table, m.__table__) for m in (Talent, SocialProfile, FollowerSnapshot, Comment))
_POSTS = cast(Table, SocialPost.__table__)

# kind -> (table, natural key columns in the table, {file column: table columns it updates}, always updated)
# The first table column of each entry is compared with the stored value; the others derive from it.
# What scoring a text writes beside it (intel.text.annotate).
_SCORED = ("sentiment_score", "sentiment_label", "sentiment_engine", "language", "language_confidence")
_SHAPES: dict[str, tuple[Table, tuple[str, ...], dict[str, tuple[str, ...]], tuple[str, ...]]] = {
    "talents": (_T, ("primary_handle",), {"primary_handle": ("primary_handle",), "name": ("name",),
                                         "category": ("category",), "tier": ("tier",),
                                         "timezone": ("timezone",)}, ()),
    "profiles": (_P, ("platform", "account_id"), {"handle": ("handle",), "connected": ("connected",),
                                                  "last_synced_at": ("last_synced_at",)}, ("talent_id",)),
    "snapshots": (_S, ("profile_id", "captured_on"), {"captured_at": ("captured_at",), "followers": ("followers",),
                                                     "following": ("following",),
                                                     "posts_count": ("posts_count",)}, ()),
    "posts": (_POSTS, ("platform", "platform_post_id"), {
        "posted_at": ("posted_at",), "media_type": ("media_type",),
        "caption": ("caption", *_SCORED),
        "likes": ("likes",), "comments": ("comments",), "shares": ("shares",), "saves": ("saves",),
        "views": ("views",), "is_sponsored": ("is_sponsored",)}, ("profile_id",)),
    "comments": (_C, ("post_id", "platform_comment_id"), {
        "created_at": ("created_at",),
        "text": ("text", "kind", *_SCORED),
        "author_handle": ("author_handle",), "is_talent_reply": ("is_talent_reply",)}, ()),
}


class BatchWriter:
    """Writes the batches of one import (one kind, one file)."""

    def __init__(self, engine: Engine, spec: KindSpec, *, dry_run: bool = False, talent: str | None = None,
                 parallel: bool = True) -> None:
        self.engine, self.spec, self.dry_run, self.talent = engine, spec, dry_run, talent
        self.table, self.key_cols, self.updates, self.always = _SHAPES[spec.name]
        self.postgres = engine.dialect.name == "postgresql"
        self.refs = References(spec, talent, self.key_cols)
        self.inserted_total = 0
        self.timings: defaultdict[str, float] = defaultdict(float)  # seconds per phase, for reports and benches
        self._scorer = Scorer(self.timings, parallel=parallel)
        self._pending: tuple[Callable[[], list[list[Any]]], list[Item], BatchResult] | None = None
        self._in_flight: dict[tuple[Any, ...], dict[str, Any]] = {}  # key -> row of the batch waiting to be written
        self._seen: dict[bytes, bool] = {}  # digest of each key of the file so far -> still unchanged?

    # --- the run ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Resolve --talent (not for a talents import, which may create it); ImportRefused if unknown."""
        with self.engine.connect() as conn:
            self.refs.start(conn)

    def write(self, batch: list[tuple[Record, ParsedRow]]) -> tuple[list[tuple[Record, RowError]], list[BatchResult]]:
        """Take one batch: its refused rows now, and the results of batches committed since the last call.

        Profiles, snapshots, posts and comments are pipelined: the batch is resolved and classified (reads
        only); the previous batch's scores are collected, this batch's texts go to the scorer, and the
        previous batch is written and committed in one transaction. So while the database writes batch N
        and this process parses batch N+2, the scorer process works on batch N+1. The rows of the batch
        waiting to be written are remembered, so the next batch is classified against them. Talents and
        dry runs go one by one.
        """
        result = BatchResult()
        items = [Item(record, row) for record, row in batch]
        if self.dry_run or self.spec.name == "talents":
            self._write_now(items, result)
            return result.refused, [result]
        clock = time.perf_counter()
        with self.engine.connect() as conn:
            items = self._dedupe(self.refs.resolve(conn, items, result), result)
            clock = self._tick("resolve", clock)
            inserts, updates = self._classify(conn, items, result)
            self._tick("classify", clock)
        to_write = [*inserts, *updates]
        previous = self._pending
        if previous is not None:  # its scores first: the scorer is then free for this batch
            clock = time.perf_counter()
            apply_scores(self.spec.name, [i.db for i in previous[1]], previous[0]())
            self._tick("wait for scores", clock)
        scores = self._scorer.submit(self.spec.name, [i.db for i in to_write])
        done = self.finish_pending(scored=True)
        self._in_flight = {i.key: {**i.db, "id": None, "owner": i.talent_id, "is_demo": False} for i in to_write}
        self._pending = (scores, to_write, result)
        return result.refused, done

    def finish_pending(self, *, scored: bool = False) -> list[BatchResult]:
        """Write and commit the batch waiting to be written; its result (or nothing)."""
        if self._pending is None:
            return []
        (scores, items, result), self._pending = self._pending, None
        clock = time.perf_counter()
        if not scored:
            apply_scores(self.spec.name, [i.db for i in items], scores())
            clock = self._tick("wait for scores", clock)
        with self.engine.begin() as conn:
            self._upsert(conn, items)
            clock = self._tick("write", clock)
        self._tick("commit", clock)
        self._in_flight = {}
        self.inserted_total += result.inserted
        return [result]

    def finish(self) -> list[BatchResult]:
        """Write the last batch and stop the scorer process."""
        try:
            return self.finish_pending()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the scorer process, if one was started (safe to repeat)."""
        self._scorer.close()

    def _write_now(self, items: list[Item], result: BatchResult) -> None:
        clock = time.perf_counter()
        with self.engine.connect() as conn, conn.begin() as tx:
            if self.spec.name == "talents" and self.postgres and not self.dry_run:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            items = self._dedupe(self.refs.resolve(conn, items, result), result)
            clock = self._tick("resolve", clock)
            inserts, updates = self._classify(conn, items, result)
            clock = self._tick("classify", clock)
            if self.dry_run:
                tx.rollback()
                return
            result.talent_ids.update(self._write_talents(conn, inserts, updates))
            clock = self._tick("write", clock)
            tx.commit()
        self._tick("commit", clock)
        self.inserted_total += len(inserts)

    def _tick(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[phase] += now - since
        return now

    def analyze(self) -> None:
        """Refresh PostgreSQL's statistics of the table after a large import (the planner needs them)."""
        if self.postgres and not self.dry_run and self.inserted_total >= ANALYZE_AFTER:
            # Comments also fill comment_days, through their triggers (migration 0005).
            tables = f"{self.table.name}, comment_days" if self.spec.name == "comments" else self.table.name
            with self.engine.begin() as conn:
                conn.execute(text(f"ANALYZE {tables}"))

    def _refuse(self, result: BatchResult, item: Item, column: str, value: Any, reason: str) -> None:
        result.refused.append((item.record, RowError(item.record.line, column, shown(value or ""), reason)))

    # --- dedupe, classify, write ------------------------------------------------------------------------------

    @staticmethod
    def _dedupe(items: list[Item], result: BatchResult) -> list[Item]:
        """One item per key, the last in file order (ON CONFLICT cannot touch a row twice in a statement)."""
        last: dict[tuple[Any, ...], Item] = {}
        for item in items:
            last.pop(item.key, None)
            last[item.key] = item
        result.duplicates += len(items) - len(last)
        return list(last.values())

    def _compared(self, item: Item) -> list[str]:
        cols = [db[0] for name, db in self.updates.items() if name in item.row.present]
        return [*self.always, *cols]

    def _classify(self, conn: Connection, items: list[Item], result: BatchResult) -> tuple[list[Item], list[Item]]:
        """Split into rows to insert and rows to update (item.stored_id set); count unchanged ones."""
        existing = self._existing(conn, items)
        inserts: list[Item] = []
        updates: list[Item] = []
        for item in items:
            stored = self._in_flight.get(item.key) or existing.get(item.key)
            if stored is None:
                self._count(item.key, result, new=True, changed=True)
                item.is_new = True
                inserts.append(item)
                if item.talent_id is not None:
                    result.talent_ids.add(item.talent_id)
                continue
            if stored == "ambiguous":
                self._refuse(result, item, "primary_handle", item.db["primary_handle"],
                             "several talents have this handle")
                continue
            if stored.get("is_demo"):
                column = self.key_cols[-1]
                self._refuse(result, item, column, item.db[column],
                             f"the demo roster already uses this {column} (imports never change demo rows): give "
                             f"the row its own {column}, or reload the demo roster with another seed (python -m "
                             "intel demo load --seed 2) and import again")
                continue
            changed = any(stored[c] != item.db[c] for c in self._compared(item))
            self._count(item.key, result, new=False, changed=changed)
            if changed:
                item.stored_id = stored["id"]
                updates.append(item)
                for owner in (item.talent_id, stored.get("owner")):
                    if owner is not None:
                        result.talent_ids.add(owner)
        return inserts, updates

    def _count(self, key: tuple[Any, ...], result: BatchResult, *, new: bool, changed: bool) -> None:
        """Count a row once per key of the file: its first row by what it does, any later one as a duplicate.

        A later row is still written when it changes the stored row (the last row wins), but in a dry run,
        which writes nothing, it is compared with the database as it was: so for keys already inserted or
        updated it is not classified again. A key counted unchanged has not been written, so both runs see
        the same stored row and agree whether a later row changes it.
        """
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        unchanged_so_far = self._seen.get(digest)
        if unchanged_so_far is None:
            self._seen[digest] = not (new or changed)
            if new:
                result.inserted += 1
            elif changed:
                result.updated += 1
            else:
                result.unchanged += 1
            return
        result.duplicates += 1
        if unchanged_so_far and changed:  # counted unchanged by an earlier batch: that key is updated after all
            self._seen[digest] = False
            result.unchanged -= 1
            result.updated += 1

    def _existing(self, conn: Connection, items: list[Item]) -> dict[tuple[Any, ...], Any]:
        """Stored rows of the batch's keys: key -> {id, owner talent, is_demo, compared columns}."""
        if not items:
            return {}
        table, kind = self.table, self.spec.name
        names = dict.fromkeys(["id", *self.key_cols, *(db[0] for db in self.updates.values()), *self.always])
        cols: list[Any] = [table.c[name] for name in names]
        keys = sorted({i.key for i in items})
        chunks = [keys[n : n + KEYS_PER_QUERY] for n in range(0, len(keys), KEYS_PER_QUERY)]
        if kind == "talents":
            queries = [select(HANDLE_KEY.label("handle_key"), table.c.id.label("owner"), *cols).where(
                table.c.is_demo.is_(False), HANDLE_KEY.in_([k[0] for k in chunk])) for chunk in chunks]
        else:
            if kind == "profiles":
                cols += [table.c.talent_id.label("owner"), table.c.is_demo]
            elif kind == "posts":
                cols += [SocialProfile.talent_id.label("owner"), SocialProfile.is_demo]
            queries = [self._matching(select(*cols).select_from(table), chunk) for chunk in chunks]
            if kind == "posts":
                queries = [q.join(SocialProfile, SocialProfile.id == table.c.profile_id) for q in queries]
        wanted = {i.key for i in items}
        stored: dict[tuple[Any, ...], Any] = {}
        for row in (r for q in queries for r in conn.execute(q).mappings()):
            if kind == "talents":
                key: tuple[Any, ...] = (row["handle_key"],)
                if key in stored:
                    stored[key] = "ambiguous"
                    continue
            else:
                key = tuple(row[c] for c in self.key_cols)
            if key in wanted:
                stored[key] = dict(row)
        return stored

    def _matching(self, query: Select[Any], keys: list[tuple[Any, ...]]) -> Select[Any]:
        """`query` limited to rows of the table whose natural key is one of `keys` (exact composite match).

        PostgreSQL: a join with unnest() of one array per key column (index lookups; an IN list of row
        values is planned as a 5,000-arm OR, and `a IN (…) AND b IN (…)` probes every combination).
        SQLite: row values IN (…).
        """
        cols = [self.table.c[c] for c in self.key_cols]
        if not self.postgres:
            return query.where(tuple_(*cols).in_(keys))
        arrays = [bindparam(f"key{n}", [k[n] for k in keys], type_=ARRAY(col.type)) for n, col in enumerate(cols)]
        keyset = func.unnest(*arrays).table_valued(*(f"k{n}" for n in range(len(cols)))).render_derived(
            name="keyset")
        return query.join(keyset, and_(*(col == keyset.c[f"k{n}"] for n, col in enumerate(cols))))

    def _upsert(self, conn: Connection, items: list[Item]) -> None:
        """INSERT … ON CONFLICT (natural key) DO UPDATE the columns the file gave, in key order.

        On PostgreSQL the rows classified as new are first sent with COPY (3x cheaper than an upsert for the
        server and for this process) inside a savepoint; if another writer created one of those keys since
        they were classified, the savepoint is rolled back and they go through the upsert like the rest.
        """
        items = sorted(items, key=lambda i: i.key)
        if self.postgres:
            new = [i for i in items if i.is_new]
            if new:
                try:
                    with conn.begin_nested():
                        _copy(conn, self.table.name, [i.db for i in new])
                    done = {id(i) for i in new}
                    items = [i for i in items if id(i) not in done]
                except IntegrityError:
                    log.info("import: a key of this batch appeared meanwhile; upserting the batch instead")
        # Rows whose file gave the same columns share one statement (JSON Lines objects may differ).
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for item in items:
            groups.setdefault(self._set_columns(item), []).append(item.db)
        insert_fn = pg_insert if self.postgres else sqlite_insert
        for set_cols, rows in groups.items():
            stmt = insert_fn(self.table)
            stmt = stmt.on_conflict_do_update(index_elements=list(self.key_cols),
                                              set_={c: stmt.excluded[c] for c in set_cols})
            # RETURNING makes SQLAlchemy send multi-row VALUES pages ("insertmanyvalues"); without it an
            # upsert is sent one row per round trip.
            conn.execute(stmt.returning(self.table.c.id), rows).all()

    def _set_columns(self, item: Item) -> tuple[str, ...]:
        cols = [c for name, db in self.updates.items() if name in item.row.present for c in db]
        return tuple(dict.fromkeys([*self.always, *cols]))

    def _write_talents(self, conn: Connection, inserts: list[Item], updates: list[Item]) -> list[int]:
        """Insert new talents (their ids returned) and update changed ones by id."""
        new_ids: list[int] = []
        if inserts:
            new_ids = list(conn.execute(insert(Talent).returning(Talent.id), [i.db for i in inserts]).scalars())
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for item in updates:
            cols = self._set_columns(item)
            groups.setdefault(cols, []).append({"id": item.stored_id, **{c: item.db[c] for c in cols}})
        session = Session(bind=conn)
        for rows in groups.values():
            session.execute(update(Talent), rows)
        return new_ids


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _copy(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """COPY rows (dicts with the same keys, aware datetimes) into `table` (PostgreSQL, psycopg2)."""
    columns = list(rows[0])
    buffer = io.StringIO()
    buffer.writelines("\t".join([_copy_value(row[c]) for c in columns]) + "\n" for row in rows)
    buffer.seek(0)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # psycopg2 COPY: the pool always holds a live DBAPI connection here
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    try:
        cursor.copy_expert(statement, buffer)
    except conn.dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy would raise it (IntegrityError, …)
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
