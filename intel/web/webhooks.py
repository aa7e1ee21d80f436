"""Platform webhooks: Meta's Instagram notifications and YouTube's push notifications (PubSubHubbub).

A verified notification requests a sync of the profile it names (then the sync job recomputes the talent).
Server-to-server calls carry no session and no CSRF token: each POST is authenticated by the HMAC of its
raw body with a secret we share with the platform (`X-Hub-Signature-256`, SHA-256 with the Instagram app
secret; `X-Hub-Signature`, SHA-1 with our `hub.secret`), compared in constant time before anything is parsed.
A bad or missing signature is 403 and writes nothing; a body over `MAX_BODY` is 413; a redelivery is
recorded once (`intel.jobs.notifications`) and answered 200, so the platform stops retrying. Counted in
`intel_jobs_total{job="webhook_<source>"}` by outcome (scheduled, duplicate, ignored, refused).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any
from xml.etree.ElementTree import Element  # the type only; parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from intel.errors import DatabaseUnavailable
from intel.metrics import record
from intel.runtime import get_runtime
from intel.service import syncs
from intel.service.syncs import Notice, digest_of

log = logging.getLogger(__name__)

PATH = "/webhooks"
MAX_BODY = 1024 * 1024  # Meta's and YouTube's notifications are a few KB
ATOM = "{http://www.w3.org/2005/Atom}"
YT = "{http://www.youtube.com/xml/schemas/2015}"


def routes() -> list[Route]:
    """The webhook routes (GET: subscription verification; POST: notifications)."""
    return [
        Route(f"{PATH}/instagram", instagram_verify, methods=["GET"]),
        Route(f"{PATH}/instagram", instagram_notify, methods=["POST"]),
        Route(f"{PATH}/youtube", youtube_verify, methods=["GET"]),
        Route(f"{PATH}/youtube", youtube_notify, methods=["POST"]),
    ]


def _text(status: int, body: str = "") -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _refused(source: str, why: str, status: int = 403) -> Response:
    log.warning("webhook %s refused: %s", source, why)
    record.observe_job(f"webhook_{source}", "refused")
    return _text(status, "refused")


def signed(body: bytes, header: str | None, secret: str | None, algorithm: str) -> bool:
    """True when `header` is `<algorithm>=<hex HMAC of body with secret>` (constant-time comparison)."""
    if not secret or not header or not header.startswith(f"{algorithm}="):
        return False
    expected = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
    return hmac.compare_digest(expected, header[len(algorithm) + 1:].strip().lower())


async def _body(request: Request) -> bytes | None:
    """The raw body, or None once it exceeds MAX_BODY (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _accept(source: str, platform: str, notices: list[Notice]) -> Response:
    try:
        report = await run_in_threadpool(syncs.accept_notifications, source, platform, notices)
    except DatabaseUnavailable:
        return _text(503, "unavailable")  # the platform retries later
    log.info("webhook %s: %s", source, report)
    return _text(200, "ok")


# ---------------------------------------------------------------- Instagram (Meta)

async def instagram_verify(request: Request) -> Response:
    """Meta's subscription check: echo `hub.challenge` when `hub.verify_token` is ours."""
    params = request.query_params
    expected = get_runtime().settings.connectors.instagram_verify_token
    token = params.get("hub.verify_token", "")
    if params.get("hub.mode") != "subscribe" or not expected or not hmac.compare_digest(token.encode(),
                                                                                         expected.encode()):
        return _refused("instagram", "verification with a wrong token or mode")
    return _text(200, params.get("hub.challenge", ""))


async def instagram_notify(request: Request) -> Response:
    """A change notification (comments, mentions, …): request a sync of each connected account it names."""
    body = await _body(request)
    if body is None:
        return _refused("instagram", "body too large", 413)
    secret = get_runtime().settings.connectors.instagram_client_secret
    if not signed(body, request.headers.get("x-hub-signature-256"), secret, "sha256"):
        return _refused("instagram", "bad or missing X-Hub-Signature-256")
    notices = instagram_notices(body)
    if notices is None:
        return _refused("instagram", "signed body is not an Instagram notification", 400)
    return await _accept("instagram", "instagram", notices)


def instagram_notices(body: bytes) -> list[Notice] | None:
    """One notice per entry of `{"object": "instagram", "entry": [...]}` (None: not that shape); an entry is
    identified by its account id, time and changes, so a redelivery in another batch is still a duplicate."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return None
    if payload.get("object") != "instagram":
        return []
    notices = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str | int):
            return None
        identity: dict[str, Any] = {"id": str(entry["id"]), "time": entry.get("time"),
                                    "changes": entry.get("changes"), "messaging": entry.get("messaging")}
        notices.append(Notice(digest_of(identity), str(entry["id"])))
    return notices


# ---------------------------------------------------------------- YouTube (PubSubHubbub)

async def youtube_verify(request: Request) -> Response:
    """The hub's check of a (un)subscription we asked for: echo `hub.challenge`, else 404."""
    params = request.query_params
    challenge = params.get("hub.challenge")
    if not challenge:
        return _text(404, "not found")
    wanted = await run_in_threadpool(syncs.youtube_subscription_wanted, params.get("hub.mode", ""),
                                     params.get("hub.topic", ""))
    if not wanted:
        log.info("youtube hub verification declined: %s %s", params.get("hub.mode"), params.get("hub.topic"))
        return _text(404, "not found")
    log.info("youtube hub %s confirmed for %s (lease %s s)", params.get("hub.mode"), params.get("hub.topic"),
             params.get("hub.lease_seconds"))
    return _text(200, challenge)


async def youtube_notify(request: Request) -> Response:
    """An upload or update notification (Atom): request a sync of the channel's profile when it is connected."""
    body = await _body(request)
    if body is None:
        return _refused("youtube", "body too large", 413)
    secret = get_runtime().settings.connectors.youtube_webhook_secret
    if not signed(body, request.headers.get("x-hub-signature"), secret, "sha1"):
        return _refused("youtube", "bad or missing X-Hub-Signature")
    channels = youtube_channels(body)
    if channels is None:
        return _refused("youtube", "signed body is not a safe Atom feed", 400)
    # the signed body identifies the notification (one per channel, should a feed name several)
    return await _accept("youtube", "youtube", [Notice(digest_of(body + channel.encode()), channel)
                                                for channel in channels])


def youtube_channels(body: bytes) -> list[str] | None:
    """The `yt:channelId` of each entry (None: not well-formed, or a DTD/entity — no XXE, no entity bombs)."""
    try:
        root: Element = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    if root.tag != f"{ATOM}feed":
        return None
    channels = [(entry.findtext(f"{YT}channelId") or "").strip() for entry in root.iter(f"{ATOM}entry")]
    return sorted({c for c in channels if c})
