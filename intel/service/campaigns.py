"""Reading campaigns: the list (filtered, overdue first), one campaign with its figures, a talent's campaigns,
sponsored posts no campaign claims, and the CSV export. Every function checks access (`campaign_access`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from intel.accounts.access import check_talent, require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.campaigns import deliverables as dl
from intel.campaigns.load import CampaignFigures, campaign_figures
from intel.campaigns.money import money
from intel.config import get_settings
from intel.db.base import utcnow
from intel.db.campaigns import CAMPAIGN_STATUSES, Campaign, CampaignPost, CampaignTalent, Deliverable
from intel.db.models import SocialPost, SocialProfile, Talent, User
from intel.errors import IntelError
from intel.service.boundary import database_boundary
from intel.service.campaign_access import campaign_for, visible_campaign_ids
from intel.service.talents import read_session

# Posts flagged sponsored by the platform, or whose caption discloses an ad, that no campaign claims.
DISCLOSURES = ("#ad", "#sponsored", "#anzeige", "#publi", "#werbung", "#pub", "#paidpartnership")
REVIEW_DAYS = 180
EXCERPT = 120


@dataclass(frozen=True)
class CampaignRow:
    """One line of the campaigns list."""

    id: int
    brand: str
    name: str
    status: str
    starts_on: date
    ends_on: date
    owner: str
    talents: tuple[str, ...]
    counts: dl.DeliverableCounts
    is_demo: bool


@dataclass(frozen=True)
class CampaignTalentView:
    """A talent on the campaign, with its fee as an amount of the campaign's currency (None: not recorded)."""

    talent_id: int
    name: str
    fee: float | None


@dataclass(frozen=True)
class AttributedPost:
    """An attributed or excluded post as the campaign page lists it."""

    post_id: int
    talent_id: int
    platform: str
    platform_post_id: str
    media_type: str
    posted_at: datetime
    caption: str
    how: str
    excluded: bool


@dataclass(frozen=True)
class CampaignDetail:
    """One campaign: its frame, talents, rules, posts and figures."""

    campaign: CampaignRow
    currency: str
    notes: str
    talents: tuple[CampaignTalentView, ...]
    rules: tuple[tuple[int, str, str], ...]
    posts: tuple[AttributedPost, ...]
    figures: CampaignFigures
    can_edit: bool
    emv_currency: str


def _filters(campaigns: list[CampaignRow], *, brand: str | None, status: str | None, owner: str | None,
             talent: str | None) -> list[CampaignRow]:
    if status is not None and status not in CAMPAIGN_STATUSES:
        raise IntelError(f"A campaign's status is one of {', '.join(CAMPAIGN_STATUSES)}, not {status!r}.")
    return [c for c in campaigns
            if (brand is None or c.brand == brand) and (status is None or c.status == status)
            and (owner is None or c.owner == owner) and (talent is None or talent in c.talents)]


@database_boundary
def list_campaigns(identity: Identity | None, *, brand: str | None = None, status: str | None = None,
                   owner: str | None = None, talent: str | None = None) -> list[CampaignRow]:
    """The campaigns the identity may see, filtered, overdue deliverables first, then the newest start."""
    identity = require(identity, "view")
    settings = get_settings()
    with read_session() as session:
        rows = _rows(session, identity, utcnow(), settings.timezone)
    rows = _filters(rows, brand=brand, status=status, owner=owner, talent=talent)
    return sorted(rows, key=lambda c: (-c.counts.overdue, -c.starts_on.toordinal(), c.id))


def _rows(session: Session, identity: Identity, now: datetime, zone: str,
          only: set[int] | None = None, counts: dict[int, dl.DeliverableCounts] | None = None) -> list[CampaignRow]:
    """The list's rows; `counts` given (the campaign page has them from its figures) skips the deliverable states."""
    visible = visible_campaign_ids(session, identity)
    ids = visible if only is None else (only if visible is None else only & visible)
    query = select(Campaign, User.display_name).outerjoin(User, User.id == Campaign.owner_id)
    if ids is not None:
        query = query.where(Campaign.id.in_(ids))
    campaigns = session.execute(query).all()
    talents = visible_talent_ids(session, identity)
    names = _talent_names(session, [c.id for c, _ in campaigns], talents)
    if counts is None:
        statuses = _statuses(session, [c.id for c, _ in campaigns], talents, now, zone)
        counts = {cid: dl.counts(found) for cid, found in statuses.items()}
    empty = dl.DeliverableCounts(0, 0, 0)
    return [CampaignRow(c.id, c.brand, c.name, c.status, c.starts_on, c.ends_on, owner or "", names.get(c.id, ()),
                        counts.get(c.id, empty), c.is_demo) for c, owner in campaigns]


def _talent_names(session: Session, campaign_ids: list[int], talents: set[int] | None) -> dict[int, tuple[str, ...]]:
    query = (select(CampaignTalent.campaign_id, Talent.name).join(Talent, Talent.id == CampaignTalent.talent_id)
             .where(CampaignTalent.campaign_id.in_(campaign_ids)).order_by(Talent.name))
    if talents is not None:
        query = query.where(Talent.id.in_(talents))
    found: dict[int, list[str]] = defaultdict(list)
    for campaign_id, name in session.execute(query):
        found[campaign_id].append(name)
    return {k: tuple(v) for k, v in found.items()}


def _statuses(session: Session, campaign_ids: list[int], talents: set[int] | None, now: datetime,
              zone: str) -> dict[int, list[dl.DeliverableStatus]]:
    """Deliverable statuses of many campaigns in two queries (the list page shows them all)."""
    specs = session.execute(
        select(CampaignTalent.campaign_id, Deliverable.id, CampaignTalent.talent_id, Deliverable.platform,
               Deliverable.media_type, Deliverable.count, Deliverable.due_on)
        .join(CampaignTalent, CampaignTalent.id == Deliverable.campaign_talent_id)
        .where(CampaignTalent.campaign_id.in_(campaign_ids)))
    by_campaign: dict[int, list[dl.DeliverableSpec]] = defaultdict(list)
    for campaign_id, spec_id, talent_id, platform, media_type, count, due_on in specs:
        if talents is None or talent_id in talents:
            by_campaign[campaign_id].append(dl.DeliverableSpec(spec_id, talent_id, platform, media_type, count, due_on))
    posts = session.execute(
        select(CampaignPost.campaign_id, SocialPost.id, SocialProfile.talent_id, SocialPost.platform,
               SocialPost.media_type, type_coerce(SocialPost.posted_at, DateTime(timezone=True)))
        .join(SocialPost, SocialPost.id == CampaignPost.post_id)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(CampaignPost.campaign_id.in_(list(by_campaign)), CampaignPost.excluded.is_(False)))
    delivered: dict[int, list[dl.DeliveredPost]] = defaultdict(list)
    for campaign_id, post_id, talent_id, platform, media_type, posted_at in posts:
        delivered[campaign_id].append(dl.DeliveredPost(post_id, talent_id, platform, media_type, posted_at))
    return {cid: dl.statuses(s, delivered[cid], now=now, zone=zone) for cid, s in by_campaign.items()}


@database_boundary
def campaign_detail(identity: Identity | None, campaign_id: int) -> CampaignDetail:
    """One campaign with its deliverables, posts and figures, limited to the talents the identity may see."""
    identity = require(identity, "view")
    settings = get_settings()
    now = utcnow()
    with read_session() as session:
        campaign, talents = campaign_for(session, identity, campaign_id)
        figures = campaign_figures(session, campaign_id, now=now, zone=settings.timezone, rates=settings.emv_rates,
                                   rates_currency=settings.emv_currency, talent_ids=talents)
        row = _rows(session, identity, now, settings.timezone, only={campaign_id},
                    counts={campaign_id: figures.deliverable_counts})[0]
        shown = [t for t in campaign.talents if talents is None or t.talent_id in talents]
        names = {tid: name for tid, name in session.execute(
            select(Talent.id, Talent.name).where(Talent.id.in_([t.talent_id for t in shown])))}
        on_it = {t.talent_id for t in campaign.talents}
        return CampaignDetail(
            campaign=row, currency=campaign.currency, notes=campaign.notes,
            talents=tuple(CampaignTalentView(t.talent_id, names[t.talent_id], money(t.fee_minor, campaign.currency))
                          for t in shown),
            rules=tuple((r.id, r.kind, r.value) for r in sorted(campaign.rules, key=lambda r: r.id)),
            posts=tuple(_posts(session, campaign_id, {t.talent_id for t in shown})),
            figures=figures, emv_currency=settings.emv_currency,
            can_edit=identity.role != "demo" and (talents is None or on_it <= talents))


def _posts(session: Session, campaign_id: int, talents: set[int]) -> list[AttributedPost]:
    rows = session.execute(
        select(SocialPost.id, SocialProfile.talent_id, SocialPost.platform, SocialPost.platform_post_id,
               SocialPost.media_type, type_coerce(SocialPost.posted_at, DateTime(timezone=True)),
               func.substr(SocialPost.caption, 1, EXCERPT), CampaignPost.how, CampaignPost.excluded)
        .join(CampaignPost, CampaignPost.post_id == SocialPost.id)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(CampaignPost.campaign_id == campaign_id, SocialProfile.talent_id.in_(talents))
        .order_by(SocialPost.posted_at, SocialPost.id))
    return [_post(row, how=row[7], excluded=bool(row[8])) for row in rows]


def _post(row: Sequence[Any], *, how: str, excluded: bool) -> AttributedPost:
    """An AttributedPost from (id, talent, platform, platform id, format, posted at, caption, …)."""
    return AttributedPost(int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]), row[5], str(row[6] or ""),
                          how, excluded)


@database_boundary
def talent_campaigns(identity: Identity | None, talent_id: int) -> list[CampaignRow]:
    """The campaigns a talent is on (for the talent page's section), overdue first."""
    identity = require(identity, "view")
    settings = get_settings()
    with read_session() as session:
        check_talent(session, identity, talent_id)
        ids = set(session.scalars(select(CampaignTalent.campaign_id).where(CampaignTalent.talent_id == talent_id)))
        rows = _rows(session, identity, utcnow(), settings.timezone, only=ids) if ids else []
    return sorted(rows, key=lambda c: (-c.counts.overdue, -c.starts_on.toordinal(), c.id))


@database_boundary
def sponsored_for_review(identity: Identity | None, *, limit: int = 200) -> list[AttributedPost]:
    """Sponsored posts (platform flag or an ad disclosure) of the last 180 days that no campaign claims."""
    identity = require(identity, "view")
    with read_session() as session:
        talents = visible_talent_ids(session, identity)
        claimed = select(CampaignPost.post_id)
        disclosed = [func.lower(SocialPost.caption).contains(tag) for tag in DISCLOSURES]
        query = (select(SocialPost.id, SocialProfile.talent_id, SocialPost.platform, SocialPost.platform_post_id,
                        SocialPost.media_type, type_coerce(SocialPost.posted_at, DateTime(timezone=True)),
                        func.substr(SocialPost.caption, 1, EXCERPT))
                 .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
                 .where(SocialPost.id.not_in(claimed), or_(SocialPost.is_sponsored.is_(True), *disclosed),
                        SocialPost.posted_at >= utcnow() - timedelta(days=REVIEW_DAYS))
                 .order_by(SocialPost.posted_at.desc()).limit(limit))
        if talents is not None:
            query = query.where(SocialProfile.talent_id.in_(talents))
        return [_post(row, how="", excluded=False) for row in session.execute(query)]

