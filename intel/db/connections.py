"""Tables of the platform connectors: credentials per profile, sync progress, quota use, webhook deliveries
and pending OAuth authorisations.

Tokens and secrets are stored only as Fernet ciphertext (`intel.connectors.crypto`); OAuth `state` values
only as their SHA-256, so a database dump neither signs anyone in to a platform nor completes a flow.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intel.db.base import Base, Id, UTCDateTime, utcnow

# A connection's state: calling the platform; the token expired or was revoked (calls stop until someone
# connects again); disconnected by a user (the row is deleted then, so this is only a transient value).
CONNECTION_STATES: tuple[str, ...] = ("connected", "needs_reconnect")


class PlatformConnection(Base):
    """How the connectors reach one profile: its OAuth tokens (encrypted), or none for YouTube's API key."""

    __tablename__ = "platform_connections"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("social_profiles.id", ondelete="CASCADE"), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="connected")
    # Fernet tokens (urlsafe base64 text); NULL for a YouTube channel read with the agency's API key.
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scopes: Mapped[str] = mapped_column(String(500), default="")
    connected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the connection needs reconnecting (the platform's words, shortened), shown to people.
    status_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_connections_status", "status"),)


class SyncState(Base):
    """Where the sync of one profile stands: its cursor, when it runs next, and how the last run went."""

    __tablename__ = "sync_states"

    profile_id: Mapped[int] = mapped_column(ForeignKey("social_profiles.id", ondelete="CASCADE"), primary_key=True)
    # The newest post time written by a completed listing (ISO 8601 UTC); the next listing stops there.
    posts_cursor: Mapped[str | None] = mapped_column(String(500))
    next_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counts_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posts_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # synced / paused (quota spent: until next_sync_at) / needs_reconnect / failed / running
    last_status: Mapped[str | None] = mapped_column(String(20))
    last_message: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_sync_states_next", "next_sync_at"),)


class SyncedPost(Base):
    """The comment count a post had when its comments were last fetched completely.

    Written after that post's comments are committed, so a sync that stops part-way fetches the comments
    of the posts it had not finished, and only those, when it runs again.
    """

    __tablename__ = "synced_posts"

    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id", ondelete="CASCADE"), primary_key=True)
    comment_count: Mapped[int] = mapped_column(BigInteger)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuotaUsage(Base):
    """Units spent on one platform's API on one quota day (YouTube: the Pacific-time day)."""

    __tablename__ = "quota_usage"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    quota_day: Mapped[date] = mapped_column(Date, primary_key=True)
    units: Mapped[int] = mapped_column(BigInteger, default=0)
    calls: Mapped[int] = mapped_column(BigInteger, default=0)


class WebhookEvent(Base):
    """A verified platform notification, kept so a redelivery is processed once."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    # SHA-256 of what identifies the notification (the signed body, or the entry ids it names).
    digest: Mapped[str] = mapped_column(String(64))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("social_profiles.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20), default="scheduled")

    __table_args__ = (UniqueConstraint("source", "digest", name="uq_webhook_source_digest"),)


class OAuthState(Base):
    """An authorisation someone started and has not finished: bound to their sign-in session."""

    __tablename__ = "oauth_states"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the sign-in session token that started the flow: the callback must carry the same session.
    session_hash: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str | None] = mapped_column(Text)  # PKCE verifier, Fernet-encrypted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
