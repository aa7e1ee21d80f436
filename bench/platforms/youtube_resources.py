"""The local YouTube API's data (channel uploads, comment threads) and the documented response shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ERRORS = {  # reason -> (code, domain, message)
    "keyInvalid": (400, "usageLimits", "API key not valid. Please pass a valid API key."),
    "quotaExceeded": (403, "youtube.quota", "The request cannot be completed because you have exceeded your "
                                            "<a href=\"/youtube/v3/getting-started#quota\">quota</a>."),
    "commentsDisabled": (403, "youtube.commentThread", "The video identified by the videoId parameter has disabled "
                                                       "comments."),
    "videoNotFound": (404, "youtube.commentThread", "The video identified by the videoId parameter could not be "
                                                    "found."),
    "playlistNotFound": (404, "youtube.playlistItem", "The playlist identified with the request's playlistId "
                                                      "parameter cannot be found."),
    "invalidPageToken": (400, "youtube.parameter", "The request specifies an invalid page token."),
    "maxResultsInvalid": (400, "youtube.parameter", "The maxResults parameter is out of range."),
    "rateLimitExceeded": (429, "youtube.quota", "Too many requests."),
    "backendError": (500, "global", "Backend Error"),
    "notFound": (404, "global", "Not Found"),
}


@dataclass
class FakeComment:
    """One comment or reply as the server holds it."""

    id: str
    author: str
    author_channel: str
    text: str
    published: datetime


@dataclass
class Thread:
    """A top-level comment and its replies (oldest first, as the API lists replies)."""

    top: FakeComment
    replies: list[FakeComment] = field(default_factory=list)


@dataclass
class Video:
    """One upload with its counters and comment threads (newest first)."""

    id: str
    published: datetime
    title: str
    description: str
    duration_s: int
    views: int
    likes: int
    sponsored: bool
    threads: list[Thread] = field(default_factory=list)

    @property
    def comment_count(self) -> int:
        """commentCount as the API reports it: top-level comments and replies."""
        return len(self.threads) + sum(len(t.replies) for t in self.threads)


def list_body(kind: str, items: list[Any], token: str | None, per_page: int, *, total: int | None = None,
              ) -> tuple[int, dict[str, Any]]:
    """(200, a list response: kind, pageInfo, items, nextPageToken when there is a next page)."""
    body: dict[str, Any] = {"kind": kind, "etag": "e", "pageInfo": {"totalResults": len(items) if total is None
                                                                    else total, "resultsPerPage": per_page},
                            "items": items}
    if token:
        body["nextPageToken"] = token
    return 200, body


def error_body(reason: str) -> tuple[int, dict[str, Any]]:
    """(status, the documented error body) of one of ERRORS' reasons."""
    code, domain, message = ERRORS[reason]
    return code, {"error": {"code": code, "message": message,
                            "errors": [{"message": message, "domain": domain, "reason": reason}]}}


def rfc3339(moment: datetime) -> str:
    """A time as the API writes it: 2026-11-01T12:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
