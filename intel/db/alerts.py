"""The alert tables: conditions and the alerts they raise, each person's inbox, mutes, follows, preferences,
per-talent thresholds and the delivery outbox.

One row per (talent, rule, scope) in `alert_conditions` holds the condition's state, so "one alert per rule and
talent while the condition lasts" is a unique key, not a search. An alert's `dedup_key` names its condition,
episode and level: two processes evaluating the same computation insert the same key and one of them loses.
A delivery's `key` (alert or digest, person, channel) is unique too, so no send is ever queued twice.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intel.db.base import Base, Id, UTCDateTime, utcnow

RULES: tuple[str, ...] = ("negative_comments", "follower_drop", "engagement_drop", "spam_surge", "stale_data",
                          "sync_failing", "deliverable_overdue", "campaign_backlash")
CHANNELS: tuple[str, ...] = ("email", "webhook")
# pending: waits for not_before; sending: claimed by a worker until claimed_until; sent; failed: retries spent;
# skipped: nothing to send it to any more (channel switched off, address gone).
DELIVERY_STATES: tuple[str, ...] = ("pending", "sending", "sent", "failed", "skipped")


class AlertCondition(Base):
    """Where one rule stands for one talent and scope (a platform, a deliverable, "" for the talent)."""

    __tablename__ = "alert_conditions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(80), default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    episode: Mapped[int] = mapped_column(Integer, default=1)  # +1 each time it opens again after clearing
    level: Mapped[int] = mapped_column(Integer, default=1)  # the highest level alerted in this episode
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("talent_id", "rule", "scope", name="uq_alert_condition"),)


class Alert(Base):
    """One raised alert: a condition that opened, or got worse, with the figures that raised it."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(80), default="")
    level: Mapped[int] = mapped_column(Integer, default=1)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)  # plain text, figures and sample sizes in words
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_alerts_talent_raised", "talent_id", "raised_at"),)


class InboxItem(Base):
    """One alert in one person's inbox: read, acknowledged, snoozed."""

    __tablename__ = "alert_inbox"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("alert_id", "user_id", name="uq_alert_inbox"),
                      Index("ix_alert_inbox_user", "user_id", "acknowledged_at"))


class AlertMute(Base):
    """A person silenced one rule for one talent: no inbox item, email or webhook for it until unmuted."""

    __tablename__ = "alert_mutes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "talent_id", "rule", name="uq_alert_mute"),)


class TalentFollow(Base):
    """A manager follows a talent: its alerts reach them too, and it is in their weekly digest."""

    __tablename__ = "talent_follows"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "talent_id", name="uq_talent_follow"),
                      Index("ix_talent_follows_talent", "talent_id"))


class AlertPreference(Base):
    """One person's alert channels, quiet hours (in their own zone) and digest choice; absent: the defaults."""

    __tablename__ = "alert_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    webhook_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # A Slack-compatible incoming-webhook URL is a credential: Fernet-encrypted (INTEL_SECRET_KEY), never plain.
    webhook_url_encrypted: Mapped[str | None] = mapped_column(Text)
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str | None] = mapped_column(String(64))  # NULL: INTEL_TIMEZONE
    quiet_start: Mapped[time | None] = mapped_column(Time)  # both NULL: no quiet hours
    quiet_end: Mapped[time | None] = mapped_column(Time)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertThreshold(Base):
    """A manager's per-talent threshold for one rule, replacing the setting's value for that talent."""

    __tablename__ = "alert_thresholds"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    set_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("talent_id", "rule", name="uq_alert_threshold"),)


class Delivery(Base):
    """One message to send to one person on one channel, once: an alert or a weekly digest."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # alert:{id}:{user}:{channel} / digest:{user}:{week}:…
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="alert")  # alert / digest
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # quiet hours, backoff
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # What to send, rendered when queued: subject, text, html (email) or the JSON body (webhook).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_alert_deliveries_due", "status", "not_before"),)
