"""The interface every platform connector implements, the records it returns, and the errors it raises.

A connector reads one profile: `profile()` (counts now), `posts(since)` (pages of posts, newest first, down
to `since`), `recount(ids)` (fresh counters of posts already stored) and `comments(post_id)` (pages of a
post's comments with replies). Records carry the importer's column names (`intel.ingest.parse`), so the
sync writes them through the same validation and upsert as a file import.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from intel.errors import IntelError


@dataclass(frozen=True)
class Account:
    """The profile a connector reads: platform, the platform's account id, handle, and the decrypted token."""

    platform: str
    account_id: str
    handle: str
    # None for YouTube read with the agency's API key; never in a repr (logs, tracebacks).
    access_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ProfileCounts:
    """A profile's counters as the platform reports them now."""

    followers: int | None  # None when the platform hides it (a YouTube channel's hidden subscriber count)
    following: int | None
    posts_count: int | None
    handle: str | None = None
    likes_total: int | None = None  # TikTok's likes_count: kept for the report, not stored


@dataclass(frozen=True)
class PostRecord:
    """One post, in the importer's `posts` columns (platform and account id are added by the sync)."""

    platform_post_id: str
    posted_at: datetime
    media_type: str
    caption: str
    likes: int
    comments: int
    shares: int = 0
    saves: int = 0
    views: int | None = None
    is_sponsored: bool = False

    def fields(self) -> dict[str, Any]:
        """The importer's field mapping of this record."""
        return asdict(self)


@dataclass(frozen=True)
class CommentRecord:
    """One comment or reply, in the importer's `comments` columns."""

    platform_comment_id: str
    created_at: datetime
    text: str
    author_handle: str
    is_talent_reply: bool = False

    def fields(self) -> dict[str, Any]:
        """The importer's field mapping of this record."""
        return asdict(self)


class Connector(Protocol):
    """What the sync needs from a platform client."""

    platform: str
    # False when the platform's API gives no comment text (TikTok's Display API): the page says so.
    has_comment_text: bool

    def profile(self) -> ProfileCounts:
        """The profile's follower, following and post counts now."""
        ...

    def posts(self, since: datetime | None) -> Iterator[list[PostRecord]]:
        """Pages of posts, newest first, stopping at the first post published at or before `since`."""
        ...

    def recount(self, post_ids: Sequence[str]) -> list[PostRecord]:
        """Fresh counters of posts already stored (ids unknown to the platform are left out)."""
        ...

    def comments(self, post_id: str) -> Iterator[list[CommentRecord]]:
        """Pages of one post's comments and their replies (the talent's own replies flagged)."""
        ...


class ConnectorError(IntelError):
    """A platform call failed in a way the sync reports (the message is shown to people)."""


class TokenInvalid(ConnectorError):
    """The token expired, was revoked or lacks a permission: the profile needs reconnecting."""


class QuotaExhausted(ConnectorError):
    """The platform's quota (or our accounting of it) is spent until `resume_at`."""

    def __init__(self, message: str, resume_at: datetime) -> None:
        super().__init__(message)
        self.resume_at = resume_at


class RateLimited(ConnectorError):
    """The platform asked us to slow down and retries ran out; try again after `retry_after_s`."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotConfigured(ConnectorError):
    """A setting the connector needs (key, client id, INTEL_SECRET_KEY) is missing; the message says which."""
