"""The in-app alert inbox: each person's alerts, the unread count, acknowledge and snooze.

Only the person's own inbox rows, and only for talents they may see now (a talent handed to another agent
drops out of the old agent's inbox). The demo viewer has no inbox (no user id): an empty list, never an error.
Acknowledging and snoozing are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.db.alerts import Alert, InboxItem
from intel.db.base import utcnow
from intel.db.models import Talent
from intel.errors import IntelError
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

SNOOZE_HOURS = 24
InboxState = Literal["new", "acknowledged", "snoozed"]


class InboxItemNotFound(IntelError):
    """No such inbox item for this person (or its talent is no longer theirs)."""


@dataclass(frozen=True)
class InboxEntry:
    """One alert in a person's inbox, as the inbox lists it (plain text only)."""

    id: int
    talent_id: int
    talent_name: str
    rule: str
    level: int
    title: str
    message: str
    raised_at: datetime
    cleared_at: datetime | None
    state: InboxState
    is_demo: bool


@database_boundary
def inbox(identity: Identity, *, now: datetime | None = None, limit: int = 200) -> list[InboxEntry]:
    """The identity's alerts, newest first."""
    require(identity, "view")
    if identity.user_id is None:
        return []
    now = now or utcnow()
    with get_runtime().sessions() as session:
        rows = session.execute(_query(session, identity).order_by(Alert.raised_at.desc(), Alert.id.desc())
                               .limit(limit)).all()
        return [_entry(item, alert, name, now) for item, alert, name in rows]


@database_boundary
def unread_count(identity: Identity, *, now: datetime | None = None) -> int:
    """How many of the identity's alerts are neither acknowledged nor snoozed past `now`."""
    require(identity, "view")
    if identity.user_id is None:
        return 0
    now = now or utcnow()
    with get_runtime().sessions() as session:
        rows = session.execute(_query(session, identity).where(_unread(now))).all()
        return len(rows)


@database_boundary
def acknowledge(identity: Identity, item_id: int, *, now: datetime | None = None) -> None:
    """Mark one of the identity's inbox items acknowledged."""
    _change(identity, item_id, "alert_acknowledged", now or utcnow(), snooze=False)


@database_boundary
def snooze(identity: Identity, item_id: int, *, now: datetime | None = None) -> None:
    """Hide one of the identity's inbox items from the unread count for 24 hours."""
    _change(identity, item_id, "alert_snoozed", now or utcnow(), snooze=True)


def _change(identity: Identity, item_id: int, action: str, now: datetime, *, snooze: bool) -> None:
    require(identity, "view")
    if identity.user_id is None:
        raise InboxItemNotFound("The demo viewer has no inbox.")
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        row = session.execute(_query(session, identity).where(InboxItem.id == item_id)).first()
        if row is None:
            raise InboxItemNotFound(f"Alert {item_id} was not found in your inbox.")
        item = row[0]
        if snooze:
            item.snoozed_until = now + timedelta(hours=SNOOZE_HOURS)
        else:
            item.acknowledged_at = now
        alert_id = item.alert_id
    audit.record(runtime.sessions, identity.email, action, f"alert:{alert_id}", item_id=item_id)


def _query(session: Session, identity: Identity) -> Select[InboxItem, Alert, str]:
    visible = visible_talent_ids(session, identity)
    query = (select(InboxItem, Alert, Talent.name).join(Alert, Alert.id == InboxItem.alert_id)
             .join(Talent, Talent.id == Alert.talent_id).where(InboxItem.user_id == identity.user_id))
    if visible is not None:
        query = query.where(Alert.talent_id.in_(visible) if visible else Alert.id.is_(None))
    return query


def _unread(now: datetime) -> ColumnElement[bool]:
    return and_(InboxItem.acknowledged_at.is_(None),
                or_(InboxItem.snoozed_until.is_(None), InboxItem.snoozed_until <= now))


def _entry(item: InboxItem, alert: Alert, talent_name: str, now: datetime) -> InboxEntry:
    state: InboxState = ("acknowledged" if item.acknowledged_at is not None else
                         "snoozed" if item.snoozed_until is not None and item.snoozed_until > now else "new")
    return InboxEntry(item.id, alert.talent_id, talent_name, alert.rule, alert.level, alert.title, alert.message,
                      alert.raised_at, alert.cleared_at, state, alert.is_demo)
