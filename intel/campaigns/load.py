"""Reading one campaign's facts from the database and turning them into its figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import DateTime, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from intel.analytics.engagement import with_rates
from intel.analytics.result import Metric, metric
from intel.campaigns import deliverables as dl
from intel.campaigns.attribute import day_bounds
from intel.campaigns.figures import BASELINE_DAYS, CampaignTotals, PostFigures, post_figures, totals
from intel.campaigns.mentions import BrandMentions, brand_mentions, brand_terms
from intel.campaigns.money import money
from intel.db.campaigns import Campaign, CampaignPost, CampaignTalent, Deliverable
from intel.db.models import CommentDay, FollowerSnapshot, SocialPost, SocialProfile
from intel.errors import IntelError

# A campaign post's audience is turning on it: its negative share at least this many points above the
# talent's organic baseline and at least twice it, on enough scored comments (an alert the alerts issue sends).
BACKLASH_POINTS = 10.0
BACKLASH_MIN_COMMENTS = 20


@dataclass(frozen=True)
class CampaignSentiment:
    """Negative share (percent of scored comments) on the campaign's posts and on the organic baseline."""

    campaign_negative: Metric
    baseline_negative: Metric
    backlash: bool


@dataclass(frozen=True)
class CampaignFigures:
    """Everything the campaign page shows, computed at `as_of`."""

    campaign_id: int
    as_of: datetime
    deliverables: tuple[dl.DeliverableStatus, ...]
    deliverable_counts: dl.DeliverableCounts
    posts: tuple[PostFigures, ...]
    totals: CampaignTotals
    sentiment: CampaignSentiment
    mentions: BrandMentions


def campaign_figures(session: Session, campaign_id: int, *, now: datetime, zone: str,
                     rates: Mapping[str, float], rates_currency: str,
                     talent_ids: set[int] | None = None) -> CampaignFigures:
    """The campaign's deliverables, per-post figures with lifts, totals and comment sentiment.

    `talent_ids` limits every figure to those talents of the campaign (an agent's own); None = all of them.
    """
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise IntelError(f"Campaign {campaign_id} was not found.")
    on_it = {t.talent_id for t in campaign.talents}
    talents = on_it if talent_ids is None else on_it & talent_ids
    start, _ = day_bounds(campaign.starts_on, campaign.ends_on, zone)
    since = start - timedelta(days=BASELINE_DAYS)
    posts = _rated(session, _attributed(campaign_id, talents, now), since, now)
    organic = _rated(session, _organic(talents, start), since, now)
    figures = post_figures(posts, organic)
    fee, note = _fee(campaign, talents)
    status = dl.statuses(_specs(session, campaign_id, talents), _delivered(posts), now=now, zone=zone)
    return CampaignFigures(
        campaign_id=campaign_id, as_of=now, deliverables=tuple(status), deliverable_counts=dl.counts(status),
        posts=tuple(figures),
        totals=totals(figures, fee=fee, fee_note=note, currency=campaign.currency, rates=rates,
                      rates_currency=rates_currency),
        sentiment=_sentiment(session, [int(i) for i in posts["post_id"]], [int(i) for i in organic["post_id"]]),
        mentions=brand_mentions(session, [int(i) for i in posts["post_id"]],
                                brand_terms(campaign.brand, [(r.kind, r.value) for r in campaign.rules])),
    )


_POST_COLUMNS = (SocialPost.id.label("post_id"), SocialProfile.talent_id, SocialPost.profile_id, SocialPost.platform,
                 type_coerce(SocialPost.posted_at, DateTime(timezone=True)).label("posted_at"), SocialPost.media_type,
                 SocialPost.likes, SocialPost.comments, SocialPost.shares, SocialPost.saves, SocialPost.views)


def _attributed(campaign_id: int, talents: set[int], now: datetime) -> Executable:
    return (select(*_POST_COLUMNS).join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
            .join(CampaignPost, CampaignPost.post_id == SocialPost.id)
            .where(CampaignPost.campaign_id == campaign_id, CampaignPost.excluded.is_(False),
                   SocialProfile.talent_id.in_(talents), SocialPost.posted_at <= now)
            .order_by(SocialPost.posted_at, SocialPost.id))


def _organic(talents: set[int], start: datetime) -> Executable:
    """The talents' posts of the baseline window: not sponsored, attributed to no campaign."""
    attributed = select(CampaignPost.post_id).where(CampaignPost.excluded.is_(False))
    return (select(*_POST_COLUMNS).join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
            .where(SocialProfile.talent_id.in_(talents), SocialPost.is_sponsored.is_(False),
                   SocialPost.id.not_in(attributed), SocialPost.posted_at < start,
                   SocialPost.posted_at >= start - timedelta(days=BASELINE_DAYS)))


def _rated(session: Session, query: Executable, since: datetime, now: datetime) -> pd.DataFrame:
    """The posts with interactions and engagement rate (followers on the post's day, as on the talent page)."""
    result = session.execute(query)
    frame = pd.DataFrame.from_records([tuple(r) for r in result], columns=list(result.keys()))
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True)
    if frame.empty:
        return frame.assign(interactions=pd.Series(dtype="float64"), rate=pd.Series(dtype="float64"))
    snaps = session.execute(
        select(FollowerSnapshot.profile_id, FollowerSnapshot.captured_on.label("day"), FollowerSnapshot.followers)
        .where(FollowerSnapshot.profile_id.in_({int(p) for p in frame["profile_id"]}),
               FollowerSnapshot.captured_on >= (since - timedelta(days=7)).date(),
               FollowerSnapshot.captured_on <= now.date()))
    snapshots = pd.DataFrame.from_records([tuple(r) for r in snaps], columns=["profile_id", "day", "followers"])
    snapshots["day"] = pd.to_datetime(snapshots["day"])
    return with_rates(frame, snapshots)


def _fee(campaign: Campaign, talents: set[int]) -> tuple[float | None, str]:
    fees = [money(t.fee_minor, campaign.currency) for t in campaign.talents if t.talent_id in talents]
    if not fees or any(f is None for f in fees):
        missing = sum(f is None for f in fees)
        return None, (f"the fee of {missing} of {len(fees)} talents is not recorded" if fees
                      else "no talent on the campaign")
    return float(sum(f for f in fees if f is not None)), f"fees of {len(fees)} talents"


def _specs(session: Session, campaign_id: int, talents: set[int]) -> list[dl.DeliverableSpec]:
    rows = session.execute(
        select(Deliverable.id, CampaignTalent.talent_id, Deliverable.platform, Deliverable.media_type,
               Deliverable.count, Deliverable.due_on)
        .join(CampaignTalent, CampaignTalent.id == Deliverable.campaign_talent_id)
        .where(CampaignTalent.campaign_id == campaign_id, CampaignTalent.talent_id.in_(talents))
        .order_by(Deliverable.due_on, Deliverable.id))
    return [dl.DeliverableSpec(*row) for row in rows]


def _delivered(posts: pd.DataFrame) -> list[dl.DeliveredPost]:
    return [dl.DeliveredPost(int(r.post_id), int(r.talent_id), str(r.platform), str(r.media_type),
                             r.posted_at.to_pydatetime()) for r in posts.itertuples(index=False)]


def _sentiment(session: Session, campaign_posts: list[int], organic_posts: list[int]) -> CampaignSentiment:
    campaign = _negative_share(session, campaign_posts, "the campaign's posts")
    baseline = _negative_share(session, organic_posts, f"organic posts of the {BASELINE_DAYS} days before")
    backlash = (campaign.value is not None and baseline.value is not None
                and campaign.n >= BACKLASH_MIN_COMMENTS
                and campaign.value >= max(2 * baseline.value, baseline.value + BACKLASH_POINTS))
    return CampaignSentiment(campaign, baseline, backlash)


def _negative_share(session: Session, post_ids: list[int], what: str) -> Metric:
    if not post_ids:
        return metric(None, 0, f"negative ÷ scored comments on {what}")
    negative, scored = session.execute(
        select(func.coalesce(func.sum(CommentDay.negative), 0), func.coalesce(func.sum(CommentDay.scored), 0))
        .where(CommentDay.post_id.in_(post_ids))).one()
    scored = int(scored)
    return metric(int(negative) / scored * 100 if scored else None, scored,
                  f"negative ÷ scored comments on {what}")

