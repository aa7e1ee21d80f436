"""YouTube Data API v3 through the official client (`google-api-python-client`), read with the agency's API key.

The client is built from the discovery document shipped inside the library (`static_discovery=True`: no
discovery request at run time) with the API root from INTEL_YOUTUBE_API_URL (`client_options.api_endpoint`
replaces the document's rootUrl, so a proxy or a test server can stand in) and our own httplib2.Http with a
timeout. Calls: `channels.list` (counts, uploads playlist), `playlistItems.list` (the uploads, newest first),
`videos.list` (counters, duration; 50 ids a call), `commentThreads.list` (top-level comments with the replies
it includes) and `comments.list` (the rest of the replies of a thread that has more). Each attempt is charged
to the quota meter before it is sent.

Shorts: the API does not say whether a video is a Short (nor, in these parts, its aspect ratio), so a video of
60 s or less is stored as "short" and anything longer as "video".
"""

from __future__ import annotations

import http.client
import json
import logging
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import httplib2  # type: ignore[import-untyped]
from googleapiclient.discovery import build  # type: ignore[import-untyped]
from googleapiclient.errors import HttpError  # type: ignore[import-untyped]

from intel.config import ConnectorSettings
from intel.connectors.base import (
    Account,
    CommentRecord,
    ConnectorError,
    NotConfigured,
    PostRecord,
    ProfileCounts,
    RateLimited,
)
from intel.connectors.http import DEFAULT_RETRY, RetryPolicy
from intel.connectors.quota import QuotaMeter

log = logging.getLogger(__name__)

TIMEOUT_S = 30
# One call and up to four retries of a 429, 5xx or dropped connection: the connectors' shared policy (full
# jitter), looked up per client so tests may shorten it. Every attempt is charged: YouTube bills failures too.
RETRY = DEFAULT_RETRY
SHORT_MAX_S = 60
VIDEO_PARTS = "snippet,statistics,contentDetails,paidProductPlacementDetails"
INCLUDED_REPLIES = 5  # commentThreads.list includes at most this many replies of a thread
AUTHOR_CHARS, ID_CHARS = 100, 100  # the comments table's column lengths
_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RETRY_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_NO_COMMENTS_REASONS = frozenset({"commentsDisabled", "videoNotFound", "playlistNotFound"})
_CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}")
_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")
_TRANSIENT = (OSError, http.client.HTTPException, httplib2.HttpLib2Error)


def build_service(settings: ConnectorSettings) -> Any:
    """The client's `youtube` v3 resource: static discovery, our endpoint, an Http with a timeout."""
    if not settings.youtube_api_key:
        raise NotConfigured("INTEL_YOUTUBE_API_KEY is not set: YouTube channels cannot be synced without an API key "
                            "(docs/connectors.md says how to create one).")
    endpoint = settings.youtube_api_url if settings.youtube_api_url.endswith("/") else settings.youtube_api_url + "/"
    return build("youtube", "v3", developerKey=settings.youtube_api_key, static_discovery=True,
                 cache_discovery=False, client_options={"api_endpoint": endpoint},
                 http=httplib2.Http(timeout=TIMEOUT_S))


class YouTubeClient:
    """Sends one API call with quota charging, bounded retries (exponential backoff, jitter) and error mapping."""

    def __init__(self, settings: ConnectorSettings, meter: QuotaMeter, *, policy: RetryPolicy | None = None) -> None:
        self.service, self.meter, self.policy = build_service(settings), meter, policy or RETRY

    def call(self, resource: str, method: str = "list", *, missing_ok: bool = False, **params: Any) -> dict[str, Any]:
        """The JSON answer of `resource.method(**params)`; {} for a missing video or disabled comments
        when `missing_ok`; ConnectorError (or a subclass) when YouTube refuses."""
        name = f"{resource}.{method}"
        for attempt in range(self.policy.attempts):
            self.meter.charge(name)  # before sending: a refused charge sends nothing
            try:
                return dict(getattr(self.service, resource)().list(**params).execute(num_retries=0))
            except HttpError as exc:
                status, reason, message = _error_of(exc)
                wait = self._retry_delay(status, reason, exc, attempt)
                if wait is None:
                    if missing_ok and (status == 404 or reason in _NO_COMMENTS_REASONS):
                        return {}
                    raise self._mapped(name, status, reason, message) from None
            except _TRANSIENT as exc:
                if attempt == self.policy.attempts - 1:
                    raise ConnectorError(f"YouTube could not be reached ({name}: {exc or type(exc).__name__}); "
                                         "the sync will try again later") from None
                wait = self.policy.backoff(attempt)
            log.info("youtube %s: retrying in %.1f s (attempt %d)", name, wait, attempt + 1)
            self.policy.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _retry_delay(self, status: int, reason: str, exc: HttpError, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when this answer is final (or retries ran out)."""
        transient = status == 429 or status >= 500 or (status == 403 and reason in _RETRY_REASONS)
        if not transient or attempt == self.policy.attempts - 1:
            return None
        after = exc.resp.get("retry-after") if exc.resp is not None else None
        wait = self.policy.backoff(attempt)
        if after and str(after).isdigit():
            wait = max(wait, min(float(after), self.policy.cap_s))
        return wait

    def _mapped(self, name: str, status: int, reason: str, message: str) -> ConnectorError:
        if status == 403 and reason in _QUOTA_REASONS:
            self.meter.spent()
            return self.meter.exhausted()
        if reason in {"keyInvalid", "keyExpired"} or (status == 400 and "API key" in message):
            return NotConfigured(f"YouTube refused INTEL_YOUTUBE_API_KEY ({reason or status}: {message}); set a valid "
                                 "key of a project with the YouTube Data API v3 enabled.")
        if status == 429:
            return RateLimited(f"YouTube kept answering 429 Too Many Requests to {name}; retries ran out.",
                               self.policy.cap_s)
        if status == 403:
            return ConnectorError(f"YouTube refused {name} (403 {reason or 'forbidden'}: {message}); check that the "
                                  "API key's project has the YouTube Data API v3 enabled and allows this server.")
        return ConnectorError(f"YouTube answered {status} {reason} to {name}: {message}".strip())


def _error_of(exc: HttpError) -> tuple[int, str, str]:
    """(status, first reason, message) of the documented error body {"error": {"code", "message", "errors"}}."""
    status = int(exc.resp.status) if exc.resp is not None else 0
    try:
        error = json.loads(exc.content.decode("utf-8", "replace"))["error"]
        errors = error.get("errors") or [{}]
        return status, str(errors[0].get("reason", "")), str(error.get("message", ""))[:300]
    except (ValueError, KeyError, TypeError, AttributeError):
        return status, "", str(exc.resp.reason if exc.resp is not None else "")[:300]


def resolve_channel(settings: ConnectorSettings, meter: QuotaMeter, ref: str) -> tuple[str, str]:
    """(channel id, handle) of a channel given as "UC…", "@handle", or a youtube.com/channel/… or /@… link."""
    text = ref.strip().rstrip("/")
    match = _CHANNEL_ID.search(text) if "/channel/" in text or text.startswith("UC") else None
    params: dict[str, Any]
    if match:
        params, what = {"id": match.group(0)}, f"id {match.group(0)}"
    else:
        handle = text.rsplit("/", 1)[-1].lstrip("@")
        if not handle or not re.fullmatch(r"[\w.\-]{3,30}", handle):
            raise ConnectorError(f"{ref!r} is not a YouTube channel id (UC…) or handle (@name)")
        params, what = {"forHandle": "@" + handle}, f"handle @{handle}"
    answer = YouTubeClient(settings, meter).call("channels", part="snippet", **params)
    items = answer.get("items") or []
    if not items:
        raise ConnectorError(f"No YouTube channel has the {what}")
    item = items[0]
    return str(item["id"]), str(item.get("snippet", {}).get("customUrl") or "")


class YouTubeConnector:
    """Reads one channel: counts, uploads, their counters, their comments and replies."""

    platform = "youtube"
    has_comment_text = True

    def __init__(self, settings: ConnectorSettings, meter: QuotaMeter, account: Account, *,
                 policy: RetryPolicy | None = None) -> None:
        self.meter = meter  # the sync reports this meter's calls and units
        self.client = YouTubeClient(settings, meter, policy=policy)
        self.channel_id = account.account_id
        self._uploads: str | None = None

    def profile(self) -> ProfileCounts:
        """Subscribers (None when hidden), video count and handle; remembers the uploads playlist."""
        answer = self.client.call("channels", part="snippet,statistics,contentDetails", id=self.channel_id)
        items = answer.get("items") or []
        if not items:
            raise ConnectorError(f"The YouTube channel {self.channel_id} no longer exists or is not public")
        item = items[0]
        stats = item.get("statistics", {})
        self._uploads = item.get("contentDetails", {}).get("relatedPlaylists", {}).get("uploads")
        hidden = stats.get("hiddenSubscriberCount") or "subscriberCount" not in stats
        return ProfileCounts(followers=None if hidden else int(stats["subscriberCount"]), following=None,
                             posts_count=_int(stats.get("videoCount")),
                             handle=item.get("snippet", {}).get("customUrl") or None)

    def posts(self, since: datetime | None) -> Iterator[list[PostRecord]]:
        """Pages of uploads, newest first, down to the first one published at or before `since`."""
        if self._uploads is None:
            self.profile()
        token: str | None = None
        while self._uploads:
            answer = self.client.call("playlistItems", missing_ok=True, part="contentDetails", maxResults=50,
                                      playlistId=self._uploads, **({"pageToken": token} if token else {}))
            ids, done = [], False
            for item in answer.get("items", []):
                published = item.get("contentDetails", {}).get("videoPublishedAt")
                if not published:  # a private or deleted video still listed in the playlist
                    continue
                if since is not None and _time(published) <= since:
                    done = True
                    break
                ids.append(str(item["contentDetails"]["videoId"]))
            if ids:
                yield sorted(self.recount(ids), key=lambda p: p.posted_at, reverse=True)
            token = answer.get("nextPageToken")
            if done or not token:
                return

    def recount(self, post_ids: Sequence[str]) -> list[PostRecord]:
        """Fresh records of these videos (50 ids a call); videos gone or private are left out."""
        records: list[PostRecord] = []
        for start in range(0, len(post_ids), 50):
            chunk = post_ids[start:start + 50]
            answer = self.client.call("videos", part=VIDEO_PARTS, id=",".join(chunk), maxResults=50)
            records.extend(_post(item) for item in answer.get("items", []))
        return records

    def comments(self, post_id: str) -> Iterator[list[CommentRecord]]:
        """Pages of a video's comment threads with all their replies; nothing when comments are disabled."""
        token: str | None = None
        while True:
            answer = self.client.call("commentThreads", missing_ok=True, part="snippet,replies", videoId=post_id,
                                      maxResults=100, textFormat="plainText", **({"pageToken": token} if token else {}))
            page: list[CommentRecord] = []
            for thread in answer.get("items", []):
                page.append(self._comment(thread["snippet"]["topLevelComment"]))
                replies = thread.get("replies", {}).get("comments", [])
                if int(thread["snippet"].get("totalReplyCount", 0)) > len(replies):
                    replies = list(self._all_replies(str(thread["id"])))
                page.extend(self._comment(reply) for reply in replies)
            yield page
            token = answer.get("nextPageToken")
            if not token:
                return

    def _all_replies(self, thread_id: str) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            answer = self.client.call("comments", missing_ok=True, part="snippet", parentId=thread_id,
                                      maxResults=100, textFormat="plainText", **({"pageToken": token} if token else {}))
            yield from answer.get("items", [])
            token = answer.get("nextPageToken")
            if not token:
                return

    def _comment(self, comment: dict[str, Any]) -> CommentRecord:
        snippet = comment["snippet"]
        author = snippet.get("authorChannelId", {}).get("value")
        return CommentRecord(platform_comment_id=str(comment["id"])[:ID_CHARS],
                             created_at=_time(snippet["publishedAt"]),
                             text=str(snippet.get("textDisplay") or snippet.get("textOriginal") or ""),
                             author_handle=str(snippet.get("authorDisplayName", ""))[:AUTHOR_CHARS],
                             is_talent_reply=author == self.channel_id)


def _post(item: dict[str, Any]) -> PostRecord:
    snippet, stats = item.get("snippet", {}), item.get("statistics", {})
    duration = _seconds(item.get("contentDetails", {}).get("duration", ""))
    caption = "\n\n".join(t for t in (snippet.get("title", ""), snippet.get("description", "")) if t)
    return PostRecord(platform_post_id=str(item["id"]), posted_at=_time(snippet["publishedAt"]),
                      media_type="short" if duration is not None and 0 < duration <= SHORT_MAX_S else "video",
                      caption=caption, likes=_int(stats.get("likeCount")) or 0,
                      comments=_int(stats.get("commentCount")) or 0, views=_int(stats.get("viewCount")),
                      is_sponsored=bool(item.get("paidProductPlacementDetails", {}).get("hasPaidProductPlacement")))


def _int(value: Any) -> int | None:
    """The API's counters are decimal strings; None when absent (hidden by the owner)."""
    return int(value) if value is not None and str(value).isdigit() else None


def _time(value: str) -> datetime:
    """An RFC 3339 time of the API as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _seconds(duration: str) -> float | None:
    """Seconds of an ISO 8601 duration like PT1M5S; None when it is not one."""
    match = _DURATION.fullmatch(duration or "")
    if not match or not duration:
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
