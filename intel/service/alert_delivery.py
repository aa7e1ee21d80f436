"""Alert delivery as people and operators see it: one-click unsubscribe from an email, and the Ops panel's
outbox figures (queued, sent, failed, with the failures' reasons).

Unsubscribing needs no sign-in (RFC 8058: the mail client POSTs the link): the HMAC token in the link is the
permission, and it names one person and one kind of email only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from intel.accounts import audit
from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.alerts.unsubscribe import read_token
from intel.db.alerts import AlertPreference, Delivery
from intel.db.base import utcnow
from intel.db.models import User
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

KIND_WORDS = {"alert": "alert emails", "digest": "weekly digest emails"}


def unsubscribe_offer(token: str) -> str | None:
    """What a genuine token would switch off ("alert emails"), without changing anything; None for a bad one."""
    found = read_token(token, get_runtime().settings.connectors.secret_keys)
    return None if found is None else KIND_WORDS[found[1]]


@database_boundary
def unsubscribe(token: str) -> str | None:
    """Switch off the emails a genuine token names; what was switched off ("alert emails"), None for a bad token."""
    runtime = get_runtime()
    found = read_token(token, runtime.settings.connectors.secret_keys)
    if found is None:
        return None
    user_id, kind = found
    with runtime.sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        prefs = session.get(AlertPreference, user_id)
        if prefs is None:
            prefs = AlertPreference(user_id=user_id)
            session.add(prefs)
        if kind == "digest":
            prefs.digest_enabled = False
        else:
            prefs.email_enabled = False
        prefs.updated_at = utcnow()
        email = user.email
    audit.record(runtime.sessions, email, "alert_unsubscribed", f"user:{user_id}", kind=kind, via="email link")
    return KIND_WORDS[kind]


@dataclass(frozen=True)
class FailedDelivery:
    """A message whose retries are spent, for the Ops page."""

    id: int
    kind: str
    channel: str
    recipient: str
    attempts: int
    created_at: datetime
    last_error: str


@dataclass(frozen=True)
class OutboxStatus:
    """The outbox at a glance: deliveries by state, the oldest one waiting, and the latest failures."""

    by_status: dict[str, int]
    oldest_pending: datetime | None
    failed: list[FailedDelivery]


@database_boundary
def outbox_status(identity: Identity, *, limit: int = 20) -> OutboxStatus:
    """Counts by state and the latest failed sends (admins: the Ops page)."""
    require(identity, "ops")
    with get_runtime().sessions() as session:
        counts = {status: n for status, n in
                  session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()}
        oldest = session.scalar(select(func.min(Delivery.not_before)).where(Delivery.status == "pending"))
        rows = session.execute(select(Delivery, User.email).join(User, User.id == Delivery.user_id)
                               .where(Delivery.status == "failed").order_by(Delivery.id.desc()).limit(limit)).all()
        failed = [FailedDelivery(d.id, d.kind, d.channel, email, d.attempts, d.created_at, d.last_error or "")
                  for d, email in rows]
    return OutboxStatus({k: int(v) for k, v in counts.items()}, oldest, failed)
