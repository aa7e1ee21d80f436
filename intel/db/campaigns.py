"""Tables of campaigns (brand deals): the deal, its talents with their fees, the deliverables due, the rules
that attribute posts to it, and the attributed (or manually excluded) posts.

Dates of a campaign and of a deliverable are calendar dates in the agency's zone (`INTEL_TIMEZONE`); fees
are whole minor units (cents) of the campaign's currency, so no float ever rounds money.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intel.db.base import Base, Id, UTCDateTime, utcnow

CAMPAIGN_STATUSES: tuple[str, ...] = ("planned", "live", "completed", "cancelled")
# hashtag: `#tag` in the caption; mention: `@handle`; promo_code: the code as a whole word; url: a link whose
# host and path start with the rule's; post_id: one post by its platform id.
RULE_KINDS: tuple[str, ...] = ("hashtag", "mention", "promo_code", "url", "post_id")
# How a post came to the campaign: a tracking rule matched it, or an agent included it by hand.
ATTRIBUTION_HOW: tuple[str, ...] = ("rule", "manual")


class Campaign(Base):
    """One brand deal: who pays, who owns it at the agency, when it runs, in which currency."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    brand: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    talents: Mapped[list[CampaignTalent]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                         passive_deletes=True)
    rules: Mapped[list[TrackingRule]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                     passive_deletes=True)

    __table_args__ = (Index("ix_campaigns_dates", "starts_on", "ends_on"),)


class CampaignTalent(Base):
    """A talent on a campaign, with the fee the brand pays for that talent (minor units; None = not agreed)."""

    __tablename__ = "campaign_talents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    fee_minor: Mapped[int | None] = mapped_column(BigInteger)

    campaign: Mapped[Campaign] = relationship(back_populates="talents")
    deliverables: Mapped[list[Deliverable]] = relationship(back_populates="campaign_talent",
                                                           cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (UniqueConstraint("campaign_id", "talent_id", name="uq_campaign_talent"),
                      Index("ix_campaign_talents_talent", "talent_id"))


class Deliverable(Base):
    """`count` posts of one format on one platform that the talent owes by `due_on`."""

    __tablename__ = "deliverables"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    campaign_talent_id: Mapped[int] = mapped_column(ForeignKey("campaign_talents.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    media_type: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=1)
    due_on: Mapped[date] = mapped_column(Date)

    campaign_talent: Mapped[CampaignTalent] = relationship(back_populates="deliverables")


class TrackingRule(Base):
    """One way a post shows it belongs to the campaign; `value` is stored normalised (see RULE_KINDS)."""

    __tablename__ = "tracking_rules"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(300))

    campaign: Mapped[Campaign] = relationship(back_populates="rules")

    __table_args__ = (UniqueConstraint("campaign_id", "kind", "value", name="uq_tracking_rule"),)


class CampaignPost(Base):
    """A post attributed to a campaign, or (excluded=True) one an agent took out by hand.

    An exclusion is a row, not a deletion, so the next attribution pass (after an import or a sync) does not
    put the post back.
    """

    __tablename__ = "campaign_posts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id", ondelete="CASCADE"))
    how: Mapped[str] = mapped_column(String(8))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("tracking_rules.id", ondelete="SET NULL"))
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attributed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("campaign_id", "post_id", name="uq_campaign_post"),
                      Index("ix_campaign_posts_post", "post_id"))
