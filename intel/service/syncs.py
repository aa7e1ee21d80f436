"""Profile syncs for the pages, the CLI and the webhook routes: "Sync now" (`request_sync_for`), the Ops view of
every connection (`sync_overview`), and verified platform notifications (`accept_notifications`,
`youtube_subscription_wanted`).

The webhook functions take no Identity: the platform is authenticated by the signature the route checked
(HMAC of the raw body with a shared secret), not by a session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.accounts.access import check_talent, require
from intel.accounts.auth import Identity
from intel.config import Settings
from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, QuotaUsage, SyncState
from intel.db.models import SocialProfile, Talent
from intel.errors import ConfigError, TalentNotFound
from intel.jobs import broker, notifications, push, schedule, sync_jobs
from intel.jobs.notifications import Notice, NoticeReport, digest_of
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

__all__ = ["ConnectionRow", "Notice", "NoticeReport", "SyncOverview", "accept_notifications", "digest_of",
           "quota_day", "request_sync_for", "run_sync_here", "subscribe_youtube", "sync_overview",
           "youtube_subscription_wanted"]
log = logging.getLogger(__name__)

# The quota day of each platform's API: YouTube's resets at midnight Pacific time; others count UTC days.
QUOTA_ZONES = {"youtube": ZoneInfo("America/Los_Angeles")}


@dataclass(frozen=True)
class ConnectionRow:
    """One connected profile as Ops sees it."""

    profile_id: int
    talent: str
    platform: str
    handle: str
    status: str  # connected / needs_reconnect
    status_reason: str | None
    last_status: str | None  # None: never synced
    last_message: str | None
    last_finished_at: datetime | None
    next_sync_at: datetime | None
    failures: int


@dataclass(frozen=True)
class SyncOverview:
    """Every connection, the queue, and today's API quota use per platform (units, calls)."""

    connections: list[ConnectionRow]
    queue: str  # "redis" (a shared Dramatiq queue) or "in-process"
    queued: int | None  # syncs waiting in the queue; None: unavailable (no Redis, or Redis down)
    delayed: int | None  # retries waiting for their backoff, and deferred syncs
    dead: int | None  # syncs that failed every retry (kept a week)
    running_here: int  # in-process syncs running in this process
    quota_today: dict[str, tuple[int, int]]


@database_boundary
def request_sync_for(identity: Identity | None, profile_id: int) -> str:
    """"Sync now" for one profile (admins, and the talent's agent); the outcome of `schedule.request_sync`."""
    identity = _may_sync(identity, profile_id)
    return schedule.request_sync(profile_id, reason=f"sync now by {identity.email}", rt=get_runtime())


@database_boundary
def run_sync_here(identity: Identity | None, profile_id: int) -> Any:
    """Sync one profile in this process now, as a worker would (the CLI); its `SyncReport`."""
    _may_sync(identity, profile_id)
    return sync_jobs.run_sync(get_runtime(), profile_id)


def _may_sync(identity: Identity | None, profile_id: int) -> Identity:
    """The identity, when it may sync the profile: the people who may connect it (admins, the talent's agent)."""
    identity = require(identity, "connect")
    with get_runtime().sessions() as session:
        talent_id = session.scalar(select(SocialProfile.talent_id).where(SocialProfile.id == profile_id))
        if talent_id is None:
            raise TalentNotFound(f"Profile {profile_id} was not found, or you may not see it.")
        check_talent(session, identity, talent_id)
    return identity


@database_boundary
def sync_overview(identity: Identity | None) -> SyncOverview:
    """The Ops page's view of syncing: per connection its status, last and next run and failures; the queue."""
    require(identity, "ops")
    rt = get_runtime()
    query = (select(PlatformConnection, SocialProfile, Talent.name, SyncState)
             .join(SocialProfile, SocialProfile.id == PlatformConnection.profile_id)
             .join(Talent, Talent.id == SocialProfile.talent_id)
             .outerjoin(SyncState, SyncState.profile_id == PlatformConnection.profile_id)
             .order_by(Talent.name, SocialProfile.platform, SocialProfile.id))
    with rt.sessions() as session:
        rows = [_row(c, p, name, s) for c, p, name, s in session.execute(query).all()]
        quota = _quota_today(session, utcnow())
    queued, delayed, dead = _queue_counts(rt.settings)
    return SyncOverview(rows, "redis" if rt.settings.redis_url else "in-process", queued, delayed, dead,
                        len(schedule.BACKGROUND.running()), quota)


def _row(c: PlatformConnection, p: SocialProfile, talent: str, s: SyncState | None) -> ConnectionRow:
    return ConnectionRow(p.id, talent, p.platform, p.handle, c.status, c.status_reason,
                         s.last_status if s else None, s.last_message if s else None,
                         s.last_finished_at if s else None, s.next_sync_at if s else None,
                         (s.consecutive_failures or 0) if s else 0)


def _quota_today(session: Session, now: datetime) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for usage in session.scalars(select(QuotaUsage)):
        if usage.quota_day == quota_day(usage.platform, now):
            found[usage.platform] = (int(usage.units), int(usage.calls))
    return found


def quota_day(platform: str, now: datetime) -> date:
    """The platform's quota day at `now` (YouTube: the Pacific-time date)."""
    zone = QUOTA_ZONES.get(platform)
    return now.astimezone(zone).date() if zone else now.date()


def _queue_counts(settings: Settings) -> tuple[int | None, int | None, int | None]:
    if not settings.redis_url:
        return None, None, None
    try:
        return broker.queue_length(settings), broker.delayed(settings), broker.dead_letters(settings)
    except redis.RedisError as exc:
        log.warning("sync queue figures unavailable: %s", exc)
        return None, None, None


@database_boundary
def accept_notifications(source: str, platform: str, notices: list[Notice]) -> NoticeReport:
    """Record verified notifications once each and request syncs of the connected profiles they name."""
    return notifications.accept(get_runtime(), source, platform, notices)


@database_boundary
def youtube_subscription_wanted(mode: str, topic: str) -> bool:
    """Whether to confirm a hub's verification request: subscribing a connected channel, or unsubscribing one
    that is no longer connected (so nobody can unsubscribe a connected channel through the hub)."""
    prefix = push.topic_of("")
    if mode not in {"subscribe", "unsubscribe"} or not topic.startswith(prefix) or len(topic) == len(prefix):
        return False
    with get_runtime().sessions() as session:
        connected = notifications.connected_profile(session, "youtube", topic[len(prefix):]) is not None
    return connected if mode == "subscribe" else not connected


def subscribe_youtube(channel_id: str, *, mode: str = "subscribe") -> int:
    """Ask YouTube's hub to push the channel's uploads to `INTEL_PUBLIC_URL/webhooks/youtube` (the connect
    flow calls this after connecting a channel, with mode "unsubscribe" after disconnecting it)."""
    settings = get_runtime().settings
    callback = push.callback_url(settings)
    if callback is None:
        raise ConfigError("INTEL_PUBLIC_URL is not set: YouTube's hub needs a public callback URL to push to")
    return push.subscribe_youtube(channel_id, callback, settings, mode=mode)
