"""The audit log: AdminActivity rows for refreshes, sign-ins and changes."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.db.models import AdminActivity

log = logging.getLogger(__name__)


def record(sessions: sessionmaker[Session], actor: str, action: str, target: str, **details: Any) -> bool:
    """Write one audit row in its own transaction; False (and a log line) when the database refuses."""
    try:
        with sessions.begin() as session:
            session.add(AdminActivity(actor=actor, action=action, target=target, details=details))
        return True
    except SQLAlchemyError as exc:
        log.error("audit write failed actor=%s action=%s target=%s: %s", actor, action, target, exc)
        return False
