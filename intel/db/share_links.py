"""The table of report share links: a brand opens one talent's report, or one campaign's, by a link, without
signing in.

Only the SHA-256 of a link's token is stored, so a database dump opens no report. The report itself is stored
as the HTML rendered when the link was created: a brand sees exactly the report the agent approved, frozen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intel.db.base import Base, Id, UTCDateTime, utcnow


class ShareLink(Base):
    """One expiring, revocable link to a frozen copy of one talent's report or one campaign's (exactly one)."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    # Who created and who revoked it, as the audit log names actors (email; "system:cli" for the command line).
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    period: Mapped[str] = mapped_column(String(40))  # "30d", "90d", "365d", "FROM..TO" or "all"
    paper: Mapped[str] = mapped_column(String(10), default="a4")
    has_note: Mapped[bool] = mapped_column(Boolean, default=False)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    html: Mapped[str] = mapped_column(Text)  # the self-contained report as rendered at creation

    __table_args__ = (Index("ix_share_links_talent", "talent_id"), Index("ix_share_links_campaign", "campaign_id"),
                      CheckConstraint("(talent_id IS NULL) <> (campaign_id IS NULL)", name="ck_share_link_scope"))
