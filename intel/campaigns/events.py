"""Campaign events the alerts can deliver: a deliverable past its due date, and a campaign whose posts draw a
comment backlash against the talents' organic baseline. Each event carries the figures that raised it and a
key that stays the same while the condition lasts (one alert per condition, as the alerts issue asks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.campaigns.load import campaign_figures
from intel.db.campaigns import Campaign, CampaignTalent

EventKind = Literal["deliverable_overdue", "campaign_backlash"]


@dataclass(frozen=True)
class CampaignEvent:
    """One alertable condition: what, which campaign and talent, in words with its figures, and a stable key."""

    kind: EventKind
    campaign_id: int
    talent_id: int
    key: str
    message: str


def campaign_events(session: Session, *, now: datetime, zone: str, rates: Mapping[str, float] | None = None,
                    talent_id: int | None = None) -> list[CampaignEvent]:
    """Every open event of the planned and live campaigns (completed and cancelled ones raise nothing); with
    `talent_id`, only the campaigns that talent is in (the alerts evaluate one talent at a time)."""
    found: list[CampaignEvent] = []
    query = select(Campaign).where(Campaign.status.in_(("planned", "live"))).order_by(Campaign.id)
    if talent_id is not None:
        query = query.where(Campaign.id.in_(select(CampaignTalent.campaign_id)
                                            .where(CampaignTalent.talent_id == talent_id)))
    campaigns = session.scalars(query).all()
    for campaign in campaigns:
        figures = campaign_figures(session, campaign.id, now=now, zone=zone, rates=rates or {}, rates_currency="")
        for status in figures.deliverables:
            if status.state == "overdue":
                spec = status.spec
                found.append(CampaignEvent(
                    "deliverable_overdue", campaign.id, spec.talent_id, f"deliverable:{spec.id}:overdue",
                    f"{campaign.brand} — {campaign.name}: {status.delivered} of {spec.count} {spec.media_type} "
                    f"posts on {spec.platform} delivered, due {spec.due_on.isoformat()} "
                    f"({status.days_overdue} days overdue)."))
        sentiment = figures.sentiment
        if sentiment.backlash:
            talents = session.scalars(select(CampaignTalent.talent_id)
                                      .where(CampaignTalent.campaign_id == campaign.id)).all()
            for talent_id in talents:
                found.append(CampaignEvent(
                    "campaign_backlash", campaign.id, talent_id, f"campaign:{campaign.id}:backlash",
                    f"{campaign.brand} — {campaign.name}: {sentiment.campaign_negative.value:.0f}% of "
                    f"{sentiment.campaign_negative.n} scored comments on its posts are negative, against "
                    f"{sentiment.baseline_negative.value:.0f}% (n = {sentiment.baseline_negative.n}) on the organic "
                    "baseline."))
    return found
