"""Verified platform notifications (webhooks) turned into sync requests, each processed once.

The web layer checks the signature and parses the body; here each notice is recorded in `webhook_events`
(unique per source and digest: a redelivery finds its row and schedules nothing) and, when it names a
connected profile, that profile is made due in the same transaction. The sync is queued after the commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, WebhookEvent
from intel.db.models import SocialProfile
from intel.jobs.schedule import dispatch, mark_due
from intel.metrics import record
from intel.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One notification: what identifies it (a SHA-256 hex digest) and the platform account it is about."""

    digest: str
    account_id: str


@dataclass(frozen=True)
class NoticeReport:
    """What a delivery did: notices that scheduled a sync, were already seen, or named no connected profile."""

    scheduled: int
    duplicate: int
    ignored: int


def digest_of(value: bytes | Any) -> str:
    """SHA-256 hex of raw bytes, or of a JSON value in canonical form (sorted keys)."""
    data = value if isinstance(value, bytes) else json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()


def connected_profile(session: Session, platform: str, account_id: str) -> int | None:
    """The id of the profile with that platform account and a "connected" connection, if any."""
    query = (select(SocialProfile.id).join(PlatformConnection, PlatformConnection.profile_id == SocialProfile.id)
             .where(SocialProfile.platform == platform, SocialProfile.account_id == account_id,
                    PlatformConnection.status == "connected"))
    return session.scalar(query)


def accept(rt: Runtime, source: str, platform: str, notices: list[Notice], *,
           now: Callable[[], datetime] = utcnow) -> NoticeReport:
    """Record each notice once and request a sync of each connected profile they name."""
    due: set[int] = set()
    scheduled = duplicate = ignored = 0
    with rt.sessions.begin() as session:
        for notice in notices:
            profile_id = connected_profile(session, platform, notice.account_id)
            outcome = "scheduled" if profile_id is not None else "ignored"
            if not _record(session, source, notice.digest, profile_id, outcome):
                duplicate += 1
            elif profile_id is None:
                ignored += 1
            else:
                scheduled += 1
                mark_due(session, profile_id, now())
                due.add(profile_id)
    for profile_id in sorted(due):
        log.info("webhook %s: sync of profile %s %s", source, profile_id, dispatch(rt, profile_id))
    report = NoticeReport(scheduled, duplicate, ignored)
    for outcome, n in (("scheduled", scheduled), ("duplicate", duplicate), ("ignored", ignored)):
        for _ in range(n):
            record.observe_job(f"webhook_{source}", outcome)
    return report


def _record(session: Session, source: str, digest: str, profile_id: int | None, outcome: str) -> bool:
    """Insert the event row; False when this (source, digest) was seen before."""
    try:
        with session.begin_nested():
            session.add(WebhookEvent(source=source, digest=digest, profile_id=profile_id, outcome=outcome))
    except IntegrityError:
        return False
    return True
