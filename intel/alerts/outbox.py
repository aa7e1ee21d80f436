"""The delivery outbox: one row per message, person and channel, queued once under a unique key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from intel.db.alerts import Delivery


def enqueue(session: Session, *, key: str, user_id: int, channel: str, kind: str, payload: dict[str, Any],
            not_before: datetime, now: datetime | None = None, alert_id: int | None = None) -> bool:
    """Queue one message unless its key is queued already (by this or any other process); True when queued.

    INSERT … ON CONFLICT DO NOTHING on both databases, so two evaluators racing on one alert queue it once
    without aborting either transaction.
    """
    values = {"key": key, "user_id": user_id, "channel": channel, "kind": kind, "payload": payload,
              "not_before": not_before, "alert_id": alert_id, "status": "pending", "attempts": 0,
              "created_at": now or not_before}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Delivery).values(**values).on_conflict_do_nothing(index_elements=["key"])
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return bool(result.rowcount)
