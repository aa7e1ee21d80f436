"""Instagram API with Instagram Login (graph.instagram.com): the account's counts, its media with counts and,
where the token allows, insights (views, reach, saved, shares), and comments with their replies.

Graph errors arrive as `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`: code 190 is
an invalid or expired token (→ TokenInvalid), codes 4, 17, 32 and 613 (and Instagram's business-use-case
limit, 80002) are rate limits (retried with backoff, then RateLimited), anything else is a ConnectorError with
Meta's message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import httpx

from intel.config import ConnectorSettings
from intel.connectors import http
from intel.connectors.base import Account, CommentRecord, ConnectorError, PostRecord, ProfileCounts, TokenInvalid

log = logging.getLogger(__name__)
VERSION = "v22.0"
PLATFORM = "instagram"
# 4 app, 17 user, 32 page, 613 custom, 80002 Instagram's business-use-case limit.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80002})
TOKEN_CODES = frozenset({190})
# "Unsupported metric for this media" (100) or no permission for insights (10, 200): no insights, no failure.
NO_INSIGHTS_CODES = frozenset({10, 100, 200})
MEDIA_FIELDS = "id,caption,media_type,media_product_type,timestamp,like_count,comments_count,permalink"
COMMENT_FIELDS = "id,text,timestamp,username,replies{id,text,timestamp,username}"
INSIGHT_METRICS = "views,reach,saved,shares"
PAGE_SIZE = 50


class GraphError(ConnectorError):
    """A Graph API error body, with its code (kept so callers can tell "no insights" from a failure)."""

    def __init__(self, message: str, code: int | None) -> None:
        super().__init__(message)
        self.code = code


def graph_error(response: httpx.Response) -> dict[str, Any] | None:
    """The `error` object of a Graph answer, or None."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def throttled(response: httpx.Response) -> bool:
    """True for Graph's rate-limit error codes (they come as HTTP 400/403, not 429)."""
    error = graph_error(response) if response.status_code >= 400 else None
    return error is not None and error.get("code") in RATE_LIMIT_CODES


def checked(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a successful Graph answer; TokenInvalid / GraphError otherwise."""
    error = graph_error(response)
    if error is None and response.status_code < 400:
        return http.json_body(response, PLATFORM)
    error = error or {}
    code, message = error.get("code"), str(error.get("message") or f"HTTP {response.status_code}")
    if code in TOKEN_CODES:
        raise TokenInvalid(f"Instagram refused the access token ({message[:200]}). Connect the account again.")
    raise GraphError(f"Instagram: {message[:300]}", code if isinstance(code, int) else None)


def parse_time(raw: str) -> datetime:
    """Graph's timestamps (`2026-11-30T18:04:05+0000`) as aware datetimes."""
    return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S%z")


def media_type(item: dict[str, Any]) -> str:
    """Our media type (`intel.db.models.MEDIA_TYPES`) for a Graph media object."""
    product, kind = item.get("media_product_type"), item.get("media_type")
    if product == "REELS":
        return "reel"
    if product == "STORY":
        return "story"
    return {"CAROUSEL_ALBUM": "carousel", "VIDEO": "video"}.get(str(kind), "image")


class InstagramConnector:
    """Reads one Instagram professional account with its long-lived user token."""

    platform = PLATFORM
    has_comment_text = True

    def __init__(self, account: Account, settings: ConnectorSettings, client: httpx.Client, *,
                 policy: http.RetryPolicy = http.DEFAULT_RETRY, version: str = VERSION,
                 meter: http.Meter | None = None) -> None:
        if not account.access_token:
            raise TokenInvalid("This Instagram account has no access token. Connect it again.")
        self.account, self.client, self.policy, self.meter = account, client, policy, meter
        self.root = f"{settings.instagram_api_url.rstrip('/')}/{version}"
        self.insights_allowed = True  # False once the token shows it lacks the insights permission

    def _get(self, path: str, params: dict[str, str | int] | None = None) -> dict[str, Any]:
        if self.meter is not None:  # the sync's report counts calls (Instagram has no unit quota)
            self.meter.charge(_method(path))
        query: dict[str, str | int] = {**(params or {}), "access_token": self.account.access_token or ""}
        response = http.send(self.client, "GET", f"{self.root}/{path.lstrip('/')}", platform=PLATFORM,
                             params=query, throttled=throttled, policy=self.policy)
        return checked(response)

    def _pages(self, path: str, params: dict[str, str | int]) -> Iterator[list[dict[str, Any]]]:
        """Follow `paging.cursors.after` while `paging.next` says there is more (our host, never Meta's link)."""
        after: str | None = None
        while True:
            body = self._get(path, {**params, **({"after": after} if after else {})})
            yield [item for item in body.get("data", []) if isinstance(item, dict)]
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return

    def profile(self) -> ProfileCounts:
        """Followers, follows and media counts of the account now."""
        me = self._get("me", {"fields": "user_id,username,followers_count,follows_count,media_count"})
        return ProfileCounts(followers=int(me.get("followers_count") or 0), following=_int(me.get("follows_count")),
                             posts_count=_int(me.get("media_count")), handle=me.get("username"))

    def whoami(self) -> tuple[str, str]:
        """(Instagram user id, username) of the token's account."""
        me = self._get("me", {"fields": "user_id,username"})
        return str(me.get("user_id") or me.get("id") or self.account.account_id), str(me.get("username") or "")

    def posts(self, since: datetime | None) -> Iterator[list[PostRecord]]:
        """Pages of media, newest first, down to the first one published at or before `since`."""
        for page in self._pages("me/media", {"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}):
            records = [self._record(item) for item in page]
            fresh = [r for r in records if since is None or r.posted_at > since]
            if fresh:
                yield fresh
            if len(fresh) < len(records):
                return

    def recount(self, post_ids: Sequence[str]) -> list[PostRecord]:
        """Fresh counts of stored media; media Instagram no longer knows (deleted) are left out."""
        found: list[PostRecord] = []
        for post_id in post_ids:
            try:
                found.append(self._record(self._get(post_id, {"fields": MEDIA_FIELDS})))
            except GraphError as exc:
                if exc.code != 100:  # 100: "object does not exist" (deleted, or not this account's)
                    raise
        return found

    def comments(self, post_id: str) -> Iterator[list[CommentRecord]]:
        """Pages of a media's comments, each followed by its replies (the account's own flagged)."""
        for page in self._pages(f"{post_id}/comments", {"fields": COMMENT_FIELDS, "limit": PAGE_SIZE}):
            records: list[CommentRecord] = []
            for item in page:
                records.append(self._comment(item))
                replies = (item.get("replies") or {}).get("data") or []
                records.extend(self._comment(reply) for reply in replies if isinstance(reply, dict))
            yield records

    def _comment(self, item: dict[str, Any]) -> CommentRecord:
        author = str(item.get("username") or "")
        return CommentRecord(platform_comment_id=str(item["id"]), created_at=parse_time(item["timestamp"]),
                             text=str(item.get("text") or ""), author_handle=author,
                             is_talent_reply=author.lower() == self.account.handle.lstrip("@").lower())

    def _record(self, item: dict[str, Any]) -> PostRecord:
        insights = self.insights(str(item["id"]))
        return PostRecord(platform_post_id=str(item["id"]), posted_at=parse_time(item["timestamp"]),
                          media_type=media_type(item), caption=str(item.get("caption") or ""),
                          likes=int(item.get("like_count") or 0), comments=int(item.get("comments_count") or 0),
                          shares=insights.get("shares", 0), saves=insights.get("saved", 0),
                          views=insights.get("views"))

    def insights(self, media_id: str) -> dict[str, int]:
        """The media's lifetime insights by metric name; {} when the token or the media type has none."""
        if not self.insights_allowed:
            return {}
        try:
            body = self._get(f"{media_id}/insights", {"metric": INSIGHT_METRICS})
        except GraphError as exc:
            if exc.code not in NO_INSIGHTS_CODES:
                raise
            if exc.code != 100:  # a missing permission holds for every media of this token
                self.insights_allowed = False
                log.info("instagram account %s: no insights permission", self.account.account_id)
            return {}
        return {str(m["name"]): v for m in body.get("data", []) if (v := _metric_value(m)) is not None}


def _method(path: str) -> str:
    """A call's name for the meter: "me", "me/media", "media", "media/insights", "media/comments"."""
    head, _, edge = path.strip("/").partition("/")
    if head == "me":
        return path.strip("/")
    return f"media/{edge}" if edge else "media"


def _metric_value(metric: dict[str, Any]) -> int | None:
    """A metric's value: `values[0].value` (lifetime) or `total_value.value`."""
    values = metric.get("values") or []
    raw = values[0].get("value") if values and isinstance(values[0], dict) else None
    if raw is None:
        raw = (metric.get("total_value") or {}).get("value")
    return _int(raw)


def _int(raw: Any) -> int | None:
    try:
        return None if raw is None else int(raw)
    except (TypeError, ValueError):
        return None
