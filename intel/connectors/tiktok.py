"""TikTok Display API v2: the user's counts (`/v2/user/info/`), their videos with view, like, comment and
share counts (`/v2/video/list/`, cursor paging) and fresh counts of known videos (`/v2/video/query/`).

The Display API gives no comment text, so `comments()` yields nothing and `has_comment_text` is False: the
talent page says "comment sentiment unavailable for TikTok accounts synced by API" instead of a 0.
Every answer has the envelope `{"data": …, "error": {"code", "message", "log_id"}}`; code "ok" is success.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from intel.config import ConnectorSettings
from intel.connectors import http
from intel.connectors.base import Account, CommentRecord, ConnectorError, PostRecord, ProfileCounts, TokenInvalid

PLATFORM = "tiktok"
USER_FIELDS = "open_id,display_name,username,follower_count,following_count,likes_count,video_count"
VIDEO_FIELDS = "id,create_time,title,video_description,duration,view_count,like_count,comment_count,share_count"
PAGE_SIZE = 20  # the documented maximum of max_count (list) and of video_ids (query)
TOKEN_CODES = frozenset({"access_token_invalid", "scope_not_authorized"})


def envelope_error(response: httpx.Response) -> dict[str, Any] | None:
    """The envelope's `error` object when its code is not "ok", else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code") not in (None, "ok"):
        return error
    return None


def throttled(response: httpx.Response) -> bool:
    """True for the envelope code `rate_limit_exceeded` (TikTok also answers HTTP 429, retried anyway)."""
    error = envelope_error(response)
    return error is not None and error.get("code") == "rate_limit_exceeded"


def checked(response: httpx.Response) -> dict[str, Any]:
    """The `data` object of a successful answer; TokenInvalid / ConnectorError otherwise."""
    error = envelope_error(response)
    if error is None and response.status_code < 400:
        data = http.json_body(response, PLATFORM).get("data")
        return data if isinstance(data, dict) else {}
    error = error or {}
    code, message = str(error.get("code") or f"HTTP {response.status_code}"), str(error.get("message") or "")
    if code in TOKEN_CODES or response.status_code == 401:
        raise TokenInvalid(f"TikTok refused the access token ({code}: {message[:200]}). Connect the account "
                           "again.")
    raise ConnectorError(f"TikTok: {code}: {message[:300]} (log id {error.get('log_id', '?')})")


class TikTokConnector:
    """Reads one TikTok account with its user access token."""

    platform = PLATFORM
    has_comment_text = False

    def __init__(self, account: Account, settings: ConnectorSettings, client: httpx.Client, *,
                 policy: http.RetryPolicy = http.DEFAULT_RETRY, meter: http.Meter | None = None) -> None:
        if not account.access_token:
            raise TokenInvalid("This TikTok account has no access token. Connect it again.")
        self.account, self.client, self.policy, self.meter = account, client, policy, meter
        self.root = settings.tiktok_api_url.rstrip("/")

    def _call(self, method: str, path: str, fields: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if self.meter is not None:  # the sync's report counts calls (the Display API has no unit quota)
            self.meter.charge(path.strip("/").removeprefix("v2/").rstrip("/").replace("/", "."))
        headers = {"Authorization": f"Bearer {self.account.access_token}"}
        response = http.send(self.client, method, f"{self.root}{path}", platform=PLATFORM, params={"fields": fields},
                             json=body, headers=headers, throttled=throttled, policy=self.policy)
        return checked(response)

    def profile(self) -> ProfileCounts:
        """Followers, following, videos and total likes of the user now."""
        user = self._call("GET", "/v2/user/info/", USER_FIELDS).get("user") or {}
        return ProfileCounts(followers=int(user.get("follower_count") or 0),
                             following=_int(user.get("following_count")), posts_count=_int(user.get("video_count")),
                             handle=user.get("username"),
                             likes_total=_int(user.get("likes_count")))

    def posts(self, since: datetime | None) -> Iterator[list[PostRecord]]:
        """Pages of videos, newest first, down to the first one published at or before `since`."""
        cursor: int | None = None
        while True:
            body: dict[str, Any] = {"max_count": PAGE_SIZE, **({"cursor": cursor} if cursor is not None else {})}
            data = self._call("POST", "/v2/video/list/", VIDEO_FIELDS, body)
            records = [record(v) for v in data.get("videos") or [] if isinstance(v, dict)]
            fresh = [r for r in records if since is None or r.posted_at > since]
            if fresh:
                yield fresh
            if len(fresh) < len(records) or not data.get("has_more") or data.get("cursor") is None:
                return
            cursor = int(data["cursor"])

    def recount(self, post_ids: Sequence[str]) -> list[PostRecord]:
        """Fresh counts of stored videos, 20 ids a call; deleted or private videos are left out."""
        found: list[PostRecord] = []
        for start in range(0, len(post_ids), PAGE_SIZE):
            ids = list(post_ids[start:start + PAGE_SIZE])
            data = self._call("POST", "/v2/video/query/", VIDEO_FIELDS, {"filters": {"video_ids": ids}})
            found.extend(record(v) for v in data.get("videos") or [] if isinstance(v, dict))
        return found

    def comments(self, post_id: str) -> Iterator[list[CommentRecord]]:
        """Nothing: the Display API has no comment text (only `comment_count`)."""
        return iter(())


def record(video: dict[str, Any]) -> PostRecord:
    """A Display API video as a post record."""
    caption = str(video.get("video_description") or video.get("title") or "")
    posted = datetime.fromtimestamp(int(video["create_time"]), UTC)
    return PostRecord(platform_post_id=str(video["id"]), posted_at=posted, media_type="video", caption=caption,
                      likes=int(video.get("like_count") or 0),
                      comments=int(video.get("comment_count") or 0), shares=int(video.get("share_count") or 0),
                      views=_int(video.get("view_count")))


def _int(raw: Any) -> int | None:
    try:
        return None if raw is None else int(raw)
    except (TypeError, ValueError):
        return None
