"""Sending the outbox: claim a due delivery, check it may still go, send it, record the outcome.

A worker claims one delivery at a time with a compare-and-set UPDATE (pending and due, or "sending" whose
lease ran out because its worker died), so two workers never hold the same row, and marks it sent right after
the channel accepted it. A worker killed before it sent leaves its row to be claimed again when the lease
ends; the window between the relay's "250 OK" and that commit is one statement, and a message resent through
it carries the same Message-ID. Failures wait INTEL_ALERT_RETRY_S between attempts, then count as failed.

At send time the delivery is checked again: the person must still be active and still receive the talent's
alerts (a talent handed to another agent, an unfollow or a mute since queueing skip it), and the channel must
still be on. Sent, failed and skipped deliveries are audited.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from intel.alerts import email, webhook
from intel.alerts.failures import SendFailed
from intel.alerts.queue import preferences_of
from intel.alerts.recipients import recipients
from intel.config import AlertSettings, Settings
from intel.connectors.crypto import TokenBox
from intel.db.alerts import Alert, AlertPreference, Delivery
from intel.db.base import utcnow
from intel.db.models import AdminActivity, User
from intel.errors import IntelError
from intel.metrics import record

log = logging.getLogger(__name__)

LEASE_S = 120  # longer than an SMTP conversation (30 s timeout per step) and a webhook POST (10 s)
BATCH = 100
EmailSender = Callable[[AlertSettings, EmailMessage], None]
WebhookSender = Callable[[str, dict[str, Any]], None]


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Senders:
    """The channels' send functions (tests point the webhook at a local server through its URL, not here)."""

    email: EmailSender = email.send
    webhook: WebhookSender = webhook.post


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (a restarted process is another holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def deliver_due(sessions: sessionmaker[Session], settings: Settings, *, worker: str | None = None,
                now: Callable[[], datetime] = utcnow, limit: int = BATCH, senders: Senders | None = None,
                ) -> DeliveryReport:
    """Send up to `limit` due deliveries, one claim at a time."""
    worker, senders = worker or worker_name(), senders or Senders()
    report = DeliveryReport()
    for delivery_id in due_ids(sessions, now(), limit):
        if not claim(sessions, delivery_id, worker, now()):
            continue  # another worker took it first
        outcome = _deliver_one(sessions, settings, delivery_id, worker, now, senders)
        setattr(report, outcome, getattr(report, outcome) + 1)
        record.observe_job("alert_delivery", outcome)
    return report


def due_ids(sessions: sessionmaker[Session], now: datetime, limit: int) -> list[int]:
    """Deliveries that may be claimed now, the longest-waiting first."""
    with sessions() as session:
        return list(session.scalars(select(Delivery.id).where(_claimable(now))
                                    .order_by(Delivery.not_before, Delivery.id).limit(limit)))


def claim(sessions: sessionmaker[Session], delivery_id: int, worker: str, now: datetime) -> bool:
    """Take the delivery for `worker` for LEASE_S seconds, counting the attempt; False when someone else has it."""
    with sessions.begin() as session:
        result = session.execute(
            update(Delivery).where(Delivery.id == delivery_id, _claimable(now))
            .values(status="sending", claimed_by=worker, claimed_until=now + timedelta(seconds=LEASE_S),
                    attempts=Delivery.attempts + 1)
            .execution_options(synchronize_session=False))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _claimable(now: datetime) -> Any:
    return or_(and_(Delivery.status == "pending", Delivery.not_before <= now),
               and_(Delivery.status == "sending", Delivery.claimed_until < now))


def _deliver_one(sessions: sessionmaker[Session], settings: Settings, delivery_id: int, worker: str,
                 now: Callable[[], datetime], senders: Senders) -> str:
    send: Callable[[], None] | None = None
    unusable: SendFailed | None = None
    with sessions() as session:  # closed before any write: SQLite lets one connection write at a time
        delivery = session.get_one(Delivery, delivery_id)
        reason = _why_not(session, settings, delivery)
        if reason is None:
            try:
                send = _sender(session, settings, delivery, senders, now())
            except IntelError as exc:  # no key configured, or none opens the webhook URL: retrying cannot help
                unusable = SendFailed(str(exc), permanent=True)
    if unusable is not None:
        return _failed(sessions, settings, delivery_id, worker, now(), unusable)
    if send is None:
        _finish(sessions, delivery_id, worker, "skipped", now(), error=reason)
        return "skipped"
    try:
        send()
    except SendFailed as exc:
        return _failed(sessions, settings, delivery_id, worker, now(), exc)
    _finish(sessions, delivery_id, worker, "sent", now())
    return "sent"


def _why_not(session: Session, settings: Settings, delivery: Delivery) -> str | None:
    """Why this delivery must not go out any more, or None when it may."""
    user = session.get(User, delivery.user_id)
    if user is None or not user.is_active:
        return "the person's account is inactive"
    prefs = preferences_of(session, user.id)
    if delivery.kind == "alert":
        alert = session.get(Alert, delivery.alert_id) if delivery.alert_id is not None else None
        if alert is None:
            return "the alert no longer exists"
        if user.id not in {p.id for p in recipients(session, alert.talent_id, alert.rule)}:
            return "no longer a recipient (the talent changed hands, was unfollowed or the rule muted)"
    if delivery.channel == "email":
        wanted = prefs.digest_enabled if delivery.kind == "digest" else prefs.email_enabled
        if not wanted:
            return f"{delivery.kind} emails are switched off"
        if not settings.alerts.smtp_host:
            return "email is not configured (INTEL_SMTP_HOST)"
    elif not (prefs.webhook_enabled and prefs.has_webhook):
        return "the webhook is switched off"
    return None


def _sender(session: Session, settings: Settings, delivery: Delivery, senders: Senders,
            now: datetime) -> Callable[[], None]:
    """The send of this delivery, with what it needs read now (the session closes before it runs)."""
    payload = delivery.payload
    if delivery.channel == "email":
        user = session.get_one(User, delivery.user_id)
        message = email.build_message(settings.alerts, user.email, payload, key=delivery.key,
                                      unsubscribe_url=payload.get("unsubscribe_url"), sent_at=now)
        return lambda: senders.email(settings.alerts, message)
    sealed = session.get_one(AlertPreference, delivery.user_id).webhook_url_encrypted or ""
    url = TokenBox(settings.connectors.secret_keys).open(sealed)
    body = payload["body"]
    return lambda: senders.webhook(url, body)


def _failed(sessions: sessionmaker[Session], settings: Settings, delivery_id: int, worker: str, now: datetime,
            exc: SendFailed) -> str:
    with sessions() as session:
        attempts = session.get_one(Delivery, delivery_id).attempts
    waits = settings.alerts.retry_s
    if exc.permanent or attempts > len(waits):
        _finish(sessions, delivery_id, worker, "failed", now, error=str(exc))
        return "failed"
    wait = max(float(waits[attempts - 1]), exc.retry_after_s or 0.0)
    with sessions.begin() as session:
        session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.claimed_by == worker)
                        .values(status="pending", not_before=now + timedelta(seconds=wait), claimed_by=None,
                                claimed_until=None, last_error=str(exc))
                        .execution_options(synchronize_session=False))
    log.warning("delivery %s failed (attempt %s), retry in %.0fs: %s", delivery_id, attempts, wait, exc)
    return "retried"


def _finish(sessions: sessionmaker[Session], delivery_id: int, worker: str, status: str, now: datetime, *,
            error: str | None = None) -> None:
    """Record a final state, only while this worker still holds the claim; audited."""
    with sessions.begin() as session:
        result = session.execute(
            update(Delivery).where(Delivery.id == delivery_id, Delivery.claimed_by == worker,
                                   Delivery.status == "sending")
            .values(status=status, sent_at=now if status == "sent" else None, claimed_by=None, claimed_until=None,
                    last_error=error)
            .execution_options(synchronize_session=False))
        if not result.rowcount:  # type: ignore[attr-defined]
            log.warning("delivery %s: the claim of %s ran out before it finished (%s)", delivery_id, worker, status)
            return
        delivery = session.get_one(Delivery, delivery_id)
        session.add(AdminActivity(actor="system:alerts", action=f"{delivery.kind}_{_ACTIONS[status]}",
                                  target=_target(delivery), at=now,
                                  details={"delivery_id": delivery_id, "channel": delivery.channel,
                                           "user_id": delivery.user_id, "attempts": delivery.attempts,
                                           **({"error": error} if error else {})}))
    log.info("delivery %s %s", delivery_id, status if error is None else f"{status}: {error}")


_ACTIONS = {"sent": "delivered", "failed": "delivery_failed", "skipped": "delivery_skipped"}


def _target(delivery: Delivery) -> str:
    return f"alert:{delivery.alert_id}" if delivery.alert_id is not None else f"digest:{delivery.key}"
