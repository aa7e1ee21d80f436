"""The in-app alert inbox: each person's alerts, the unread count, acknowledge, snooze and mute.

Only the person's own inbox rows, and only for talents they may see now (a talent handed to another agent
drops out of the old agent's inbox). The demo viewer has no inbox (no user id): an empty list, never an error.
Muting silences one rule for one talent for this person (no inbox item, email or webhook until unmuted).
Acknowledging, snoozing, muting and unmuting are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.db.alerts import RULES, Alert, AlertMute, InboxItem
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
class MuteEntry:
    """One rule a person silenced for one talent."""

    talent_id: int
    talent_name: str
    rule: str
    created_at: datetime


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
        # A count, not the rows: the navigation badge asks on every page run.
        unread = _query(session, identity).where(_unread(now)).with_only_columns(InboxItem.id).subquery()
        return int(session.scalar(select(func.count()).select_from(unread)) or 0)


@database_boundary
def acknowledge(identity: Identity, item_id: int, *, now: datetime | None = None) -> None:
    """Mark one of the identity's inbox items acknowledged."""
    _change(identity, item_id, "alert_acknowledged", now or utcnow(), snooze=False)


@database_boundary
def snooze(identity: Identity, item_id: int, *, now: datetime | None = None) -> None:
    """Hide one of the identity's inbox items from the unread count for 24 hours."""
    _change(identity, item_id, "alert_snoozed", now or utcnow(), snooze=True)


@database_boundary
def mute(identity: Identity, item_id: int, *, now: datetime | None = None) -> MuteEntry:
    """Silence the rule of this inbox item's alert for its talent, for this person; the item counts as read."""
    require(identity, "alert_settings")
    now = now or utcnow()
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        row = session.execute(_query(session, identity).where(InboxItem.id == item_id)).first()
        if row is None:
            raise InboxItemNotFound(f"Alert {item_id} was not found in your inbox.")
        item, alert, name = row
        # Muting is acting on it: the item leaves the unread count (it stays listed, acknowledged).
        if item.acknowledged_at is None:
            item.acknowledged_at = now
        existing = session.scalar(select(AlertMute).where(AlertMute.user_id == identity.user_id,
                                                          AlertMute.talent_id == alert.talent_id,
                                                          AlertMute.rule == alert.rule))
        created = existing is None
        if existing is None:
            existing = AlertMute(user_id=identity.user_id, talent_id=alert.talent_id, rule=alert.rule,
                                 created_at=now)
            session.add(existing)
        entry = MuteEntry(alert.talent_id, name, alert.rule, existing.created_at)
        alert_id = alert.id
    if created:
        audit.record(runtime.sessions, identity.email, "alert_muted", f"alert:{alert_id}", item_id=item_id,
                     talent_id=entry.talent_id, rule=entry.rule)
    return entry


@database_boundary
def unmute(identity: Identity, talent_id: int, rule: str) -> bool:
    """Hear of `rule` for the talent again; False when it was not muted."""
    require(identity, "alert_settings")
    if rule not in RULES:
        raise IntelError(f"{rule[:40]!r} is not an alert rule.")
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        check_talent(session, identity, talent_id)
        found = session.scalar(select(AlertMute).where(AlertMute.user_id == identity.user_id,
                                                       AlertMute.talent_id == talent_id, AlertMute.rule == rule))
        if found is not None:
            session.delete(found)
    if found is not None:
        audit.record(runtime.sessions, identity.email, "alert_unmuted", f"user:{identity.email}",
                     talent_id=talent_id, rule=rule)
    return found is not None


@database_boundary
def mutes(identity: Identity) -> list[MuteEntry]:
    """The rules the identity muted, on talents they may see now, by talent name and rule."""
    require(identity, "alert_settings")
    with get_runtime().sessions() as session:
        visible = visible_talent_ids(session, identity)
        query = (select(AlertMute, Talent.name).join(Talent, Talent.id == AlertMute.talent_id)
                 .where(AlertMute.user_id == identity.user_id).order_by(Talent.name, AlertMute.rule))
        if visible is not None:
            query = query.where(AlertMute.talent_id.in_(visible) if visible else AlertMute.id.is_(None))
        return [MuteEntry(m.talent_id, name, m.rule, m.created_at) for m, name in session.execute(query).all()]


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
