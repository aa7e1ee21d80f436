"""Subscribing a YouTube channel to push notifications (PubSubHubbub / WebSub), which the connect flow calls.

The hub then verifies the subscription with a GET to our callback (`/webhooks/youtube`, which answers only for
connected channels) and POSTs an Atom entry, signed with `hub.secret` (HMAC-SHA1), when the channel uploads.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx
import redis
from sqlalchemy import select

from intel.config import Settings
from intel.db.connections import PlatformConnection
from intel.db.models import SocialProfile
from intel.errors import ConfigError, IntelError
from intel.jobs import broker
from intel.runtime import Runtime

log = logging.getLogger(__name__)

TOPIC = "https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"
LEASE_S = 5 * 24 * 3600  # the lease YouTube's hub grants (432000 s); it ends then unless renewed
RENEW_EVERY_S = 2 * 24 * 3600  # two chances to renew before a lease ends, should the hub be down once
TIMEOUT_S = 10.0
_last_renewal = {"at": float("-inf")}  # without Redis: this process's last renewal (monotonic seconds)
_renewal_lock = threading.Lock()


def topic_of(channel_id: str) -> str:
    """The feed URL a subscription to `channel_id` names."""
    return TOPIC.format(channel_id=channel_id)


def subscribe_youtube(channel_id: str, callback_url: str, settings: Settings, *, mode: str = "subscribe") -> int:
    """Ask the hub to (un)subscribe `callback_url` to the channel's uploads; the hub's status (202: it will
    verify). ConfigError without INTEL_YOUTUBE_WEBHOOK_SECRET; IntelError when the hub refuses or is down."""
    secret = settings.connectors.youtube_webhook_secret
    if not secret:
        raise ConfigError("INTEL_YOUTUBE_WEBHOOK_SECRET is not set: YouTube push notifications could not be verified")
    if mode not in {"subscribe", "unsubscribe"}:
        raise ValueError(f"hub.mode must be subscribe or unsubscribe, got {mode!r}")
    form = {"hub.callback": callback_url, "hub.mode": mode, "hub.topic": topic_of(channel_id),
            "hub.secret": secret, "hub.verify": "async", "hub.lease_seconds": str(LEASE_S)}
    try:
        response = httpx.post(settings.connectors.youtube_hub_url, data=form, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise IntelError(f"The YouTube push hub could not be reached: {exc}") from exc
    if response.status_code not in {202, 204}:
        raise IntelError(f"The YouTube push hub refused the {mode} request ({response.status_code}): "
                         f"{response.text[:200]}")
    log.info("youtube push %s requested channel=%s callback=%s", mode, channel_id, callback_url)
    return response.status_code


def callback_url(settings: Settings) -> str | None:
    """Where the hub pushes: INTEL_PUBLIC_URL/webhooks/youtube (None when no public URL is set)."""
    return f"{settings.public_url}/webhooks/youtube" if settings.public_url else None


def renew_subscriptions(rt: Runtime) -> int:
    """Subscribe every connected YouTube channel again, once per RENEW_EVERY_S across all workers (a Redis key
    says who did it; without Redis, once per this process); how many the hub accepted. Needs a public URL and
    the hub secret, else nothing to do."""
    callback = callback_url(rt.settings)
    if not callback or not rt.settings.connectors.youtube_webhook_secret or not _my_turn(rt.settings):
        return 0
    with rt.sessions() as session:
        channels = list(session.scalars(
            select(SocialProfile.account_id).join(PlatformConnection, PlatformConnection.profile_id == SocialProfile.id)
            .where(SocialProfile.platform == "youtube", PlatformConnection.status == "connected")))
    accepted = 0
    for channel in channels:
        try:
            subscribe_youtube(channel, callback, rt.settings)
            accepted += 1
        except IntelError as exc:  # the lease still runs; the next renewal tries again
            log.warning("youtube push subscription of %s not renewed: %s", channel, exc)
    log.info("youtube push subscriptions renewed: %s of %s", accepted, len(channels))
    return accepted


def _my_turn(settings: Settings) -> bool:
    if settings.redis_url:
        client = broker.broker_for(settings).client
        try:
            return bool(client.set(f"{broker.namespace(settings)}:youtube-push-renewed", 1, nx=True,
                                   ex=RENEW_EVERY_S))
        except redis.RedisError as exc:
            log.warning("youtube push renewal skipped (Redis): %s", exc)
            return False
    with _renewal_lock:
        if time.monotonic() - _last_renewal["at"] < RENEW_EVERY_S:
            return False
        _last_renewal["at"] = time.monotonic()
        return True
