"""The data model: SQLAlchemy 2.0 typed ORM, shared by SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intel.db.base import Base, Id, UTCDateTime, utcnow

PLATFORMS: tuple[str, ...] = ("instagram", "tiktok", "youtube")
VIDEO_PLATFORMS: frozenset[str] = frozenset({"tiktok", "youtube"})
MEDIA_TYPES: tuple[str, ...] = ("image", "carousel", "video", "reel", "short", "story")
ROLES: tuple[str, ...] = ("agent", "manager", "admin")
TIERS: tuple[str, ...] = ("nano", "micro", "mid", "macro", "mega")
SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")


class User(Base):
    """A person who signs in: agent, manager or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    talents: Mapped[list[Talent]] = relationship(back_populates="agent")


class Talent(Base):
    """A creator the agency represents."""

    __tablename__ = "talents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    primary_handle: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(60), default="")
    tier: Mapped[str] = mapped_column(String(16), default="micro")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # IANA zone (e.g. "Europe/Lisbon") of the best-time table; NULL: the INTEL_TIMEZONE setting.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Rows written by the demo generator are marked so no figure from them passes for real data.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agent: Mapped[User | None] = relationship(back_populates="talents")
    profiles: Mapped[list[SocialProfile]] = relationship(
        back_populates="talent", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (Index("ix_talents_agent", "agent_id"), Index("ix_talents_name", "name"))


class SocialProfile(Base):
    """One talent's account on one platform."""

    __tablename__ = "social_profiles"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str] = mapped_column(String(100))
    connected: Mapped[bool] = mapped_column(Boolean, default=True)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    talent: Mapped[Talent] = relationship(back_populates="profiles")

    __table_args__ = (
        UniqueConstraint("platform", "account_id", name="uq_profile_platform_account"),
        Index("ix_profiles_talent", "talent_id"),
    )


class FollowerSnapshot(Base):
    """Follower counts of a profile as captured on one day (one row per profile per day)."""

    __tablename__ = "follower_snapshots"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("social_profiles.id", ondelete="CASCADE"))
    captured_on: Mapped[date] = mapped_column(Date)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    followers: Mapped[int] = mapped_column(BigInteger)
    following: Mapped[int | None] = mapped_column(BigInteger)
    posts_count: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("profile_id", "captured_on", name="uq_snapshot_profile_day"),
    )


class SocialPost(Base):
    """A post, video or short published on a profile, with its counters and caption sentiment."""

    __tablename__ = "social_posts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("social_profiles.id", ondelete="CASCADE"))
    # Denormalised from the profile so "one platform id per platform" is a plain unique constraint.
    platform: Mapped[str] = mapped_column(String(20))
    platform_post_id: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    media_type: Mapped[str] = mapped_column(String(20), default="image")
    caption: Mapped[str] = mapped_column(Text, default="")
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(BigInteger, default=0)
    shares: Mapped[int] = mapped_column(BigInteger, default=0)
    saves: Mapped[int] = mapped_column(BigInteger, default=0)
    views: Mapped[int | None] = mapped_column(BigInteger)
    is_sponsored: Mapped[bool] = mapped_column(Boolean, default=False)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_label: Mapped[str | None] = mapped_column(String(10))
    sentiment_engine: Mapped[str | None] = mapped_column(String(64))
    # ISO 639-1 code detected on write (`zxx`: no words, e.g. emoji only) and the detector's confidence.
    language: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("platform", "platform_post_id", name="uq_post_platform_id"),
        Index("ix_posts_profile_posted", "profile_id", "posted_at"),
        Index("ix_posts_sentiment_engine", "sentiment_engine"),
    )


class Comment(Base):
    """A comment under a post, with its stored sentiment."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id", ondelete="CASCADE"))
    platform_comment_id: Mapped[str] = mapped_column(String(100))
    author_handle: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_talent_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    # spam / emoji_only / generic / substantive, classified on write (intel.comment_kind).
    kind: Mapped[str] = mapped_column(String(12), default="substantive")
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_label: Mapped[str | None] = mapped_column(String(10))
    sentiment_engine: Mapped[str | None] = mapped_column(String(64))
    # ISO 639-1 code detected on write (`zxx`: no words, e.g. emoji only) and the detector's confidence.
    language: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("post_id", "platform_comment_id", name="uq_comment_post_id"),
        Index("ix_comments_post_created", "post_id", "created_at"),
        Index("ix_comments_sentiment_engine", "sentiment_engine"),
    )


class CommentDay(Base):
    """Counts and score sums of one post's comments on one UTC day, kept equal to the comments by triggers.

    Migration 0005 installs the triggers (statement-level on PostgreSQL, recounting the touched groups;
    row-level on SQLite), so every writer — import, demo load, rescore, ORM, cascades, psql — keeps this
    table exact in its own transaction; `intel.db.comment_days` rebuilds it and checks it.
    """

    __tablename__ = "comment_days"

    # No foreign key on purpose: rows come only from comments (whose post_id is checked), and a deleted
    # post's groups go with its comments' delete triggers; the key's check doubled the insert trigger's cost.
    post_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    comments: Mapped[int] = mapped_column(Integer)  # every comment, talent replies and spam included
    audience: Mapped[int] = mapped_column(Integer)  # not the talent's own replies
    replies: Mapped[int] = mapped_column(Integer)
    # "scored": audience, not spam, with a sentiment score — what the sentiment figures rest on
    scored: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[float] = mapped_column(Float)
    score_max: Mapped[float | None] = mapped_column(Float)
    score_min: Mapped[float | None] = mapped_column(Float)
    positive: Mapped[int] = mapped_column(Integer)  # scored, by label
    neutral: Mapped[int] = mapped_column(Integer)
    negative: Mapped[int] = mapped_column(Integer)
    spam: Mapped[int] = mapped_column(Integer)  # audience, by kind
    emoji_only: Mapped[int] = mapped_column(Integer)
    generic: Mapped[int] = mapped_column(Integer)


class AdminActivity(Base):
    """Audit log: who did what to which target, when."""

    __tablename__ = "admin_activity"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_activity_at", "at"),
        Index("ix_activity_action_target", "action", "target"),
    )


class TalentSummary(Base):
    """Headline figures of a talent's latest computed intelligence, so the roster reads them in bulk."""

    __tablename__ = "talent_summaries"

    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    total_followers: Mapped[int | None] = mapped_column(BigInteger)
    growth_30d_pct: Mapped[float | None] = mapped_column(Float)
    # Engagement is never mixed across platforms: the roster shows the largest platform's rate.
    engagement_platform: Mapped[str | None] = mapped_column(String(20))
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[float | None] = mapped_column(Float)
    health: Mapped[float | None] = mapped_column(Float)
    newest_data_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_stale: Mapped[bool] = mapped_column(Boolean, default=False)
    # The talent's data generation the figures were computed from: an older one never replaces a newer one.
    data_generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class TalentGeneration(Base):
    """A counter bumped on every change of a talent's data; cached values of an older generation are void."""

    __tablename__ = "talent_generations"

    # No foreign key on purpose: the counter must outlive a deleted talent, because SQLite reuses the
    # highest ids and a recreated talent starting again at 0 would revive the old talent's cache entries.
    talent_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
    # True until the shared store has heard of this generation (Redis was down at invalidation time).
    undelivered: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_talent_generations_undelivered", "undelivered"),)


class UserSession(Base):
    """A signed-in browser session: only the SHA-256 of its random token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_sessions_user", "user_id"),)


class ApiToken(Base):
    """A per-user API token issued by an admin: only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_api_tokens_user", "user_id"),)


# The connectors' tables live in their own module; importing it here puts them in Base.metadata for
# every caller (Alembic, create_all in tests) that imports the models.
from intel.db import alerts as _alerts  # noqa: E402,F401  (registers the alert tables)
from intel.db import campaigns as _campaigns  # noqa: E402,F401  (registers the tables)
from intel.db import connections as _connections  # noqa: E402,F401  (registers the tables)
from intel.db import share_links as _share_links  # noqa: E402,F401  (registers the share_links table)
