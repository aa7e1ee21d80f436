"""Subscribing a YouTube channel to push notifications (PubSubHubbub / WebSub), which the connect flow calls.

The hub then verifies the subscription with a GET to our callback (`/webhooks/youtube`, which answers only for
connected channels) and POSTs an Atom entry, signed with `hub.secret` (HMAC-SHA1), when the channel uploads.
"""

from __future__ import annotations

import logging

import httpx

from intel.config import Settings
from intel.errors import ConfigError, IntelError

log = logging.getLogger(__name__)

TOPIC = "https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"
LEASE_S = 10 * 24 * 3600  # what YouTube's hub grants at most; a longer ask is shortened
TIMEOUT_S = 10.0


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
