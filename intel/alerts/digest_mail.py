"""Sending the weekly digest: once per person and ISO week, after `INTEL_DIGEST_AT` in INTEL_TIMEZONE.

Each pass of the worker asks whether this week's digest time has passed; if so, every active agent, manager and
admin with talents to report on and the digest switched on gets one delivery keyed `digest:{user}:{week}:email`
(built only for those who have none yet, so later passes cost one query). A worker that was down on Monday
queues the week's digests when it comes back, that same week.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from intel.alerts.digest import Digest, build_digest
from intel.alerts.outbox import enqueue
from intel.alerts.queue import preferences_of, unsubscribe_url
from intel.alerts.render import environment
from intel.alerts.schedule import digest_due
from intel.config import Settings
from intel.db.alerts import Delivery
from intel.db.models import User

log = logging.getLogger(__name__)
ROLES = ("agent", "manager", "admin")


def digest_key(user_id: int, week: str) -> str:
    """The delivery key of one person's digest of one week."""
    return f"digest:{user_id}:{week}:email"


def digest_email(digest: Digest, settings: Settings, unsubscribe: str | None) -> dict[str, str]:
    """Subject, plain text and HTML of a digest."""
    context = {"d": digest, "public_url": settings.public_url, "unsubscribe_url": unsubscribe}
    env = environment()
    subject = f"{'[DEMO] ' if digest.is_demo else ''}Weekly digest {digest.week}: {len(digest.talents)} talents"
    return {"subject": subject, "text": env.get_template("digest.txt.j2").render(context),
            "html": env.get_template("digest.html.j2").render(context)}


def queue_digests(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Queue this week's digests once its time has passed; how many were queued now."""
    week = digest_due(now, settings)
    if week is None or not settings.alerts.smtp_host:
        return 0
    queued = 0
    with sessions() as session:
        people = session.scalars(select(User).where(User.is_active.is_(True), User.role.in_(ROLES))
                                 .order_by(User.id)).all()
        done = set(session.scalars(select(Delivery.user_id).where(Delivery.kind == "digest",
                                                                   Delivery.key.like(f"digest:%:{week}:email"))))
        waiting = [u.id for u in people if u.id not in done and preferences_of(session, u.id).digest_enabled]
    for user_id in waiting:
        queued += _queue_one(sessions, settings, user_id, week, now)
    if queued:
        log.info("digests: %s queued for %s", queued, week)
    return queued


def _queue_one(sessions: sessionmaker[Session], settings: Settings, user_id: int, week: str, now: datetime) -> int:
    with sessions.begin() as session:
        user = session.get_one(User, user_id)
        digest = build_digest(session, user, week, now, zone=settings.timezone)
        if digest is None:
            return 0
        link = unsubscribe_url(settings, user_id, "digest")
        payload = {**digest_email(digest, settings, link), "unsubscribe_url": link}
        return int(enqueue(session, key=digest_key(user_id, week), user_id=user_id, channel="email", kind="digest",
                           payload=payload, not_before=now, now=now))
