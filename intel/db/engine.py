"""Engine and session construction for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite make the folder, enable foreign keys and WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pool_pre_ping: a dashboard process outlives database restarts.
    kwargs.setdefault("pool_pre_ping", True)
    # Sessions in UTC so date() of a timestamptz is the UTC day on every server.
    kwargs.setdefault("connect_args", {"connect_timeout": 5, "options": "-c timezone=UTC"})
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the dashboard read while an import or demo load writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine` that keeps objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    with session_factory(engine).begin() as session:
        yield session


def analyze(engine: Engine) -> None:
    """Refresh planner statistics after a bulk load (servers may run with autovacuum off)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


BULK_CHUNK = 5000


def bulk_insert(conn: Connection, model: type[Any], rows: list[dict[str, Any]], *, returning: bool = False,
                chunk: int = BULK_CHUNK) -> list[int]:
    """Insert rows in chunks (executemany); with `returning`, the new ids in row order."""
    stmt = insert(model)
    if returning:
        stmt = stmt.returning(model.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), chunk):
        result = conn.execute(stmt, rows[start : start + chunk])
        if returning:
            ids.extend(result.scalars().all())
    return ids


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE / DELETE / INSERT … ON CONFLICT (Session.execute types its result as a plain
    Result; for DML statements it is a CursorResult, which carries the count)."""
    return int(cast("CursorResult[Any]", result).rowcount)
