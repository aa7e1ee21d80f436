"""Attribution: which posts belong to a campaign, kept in `campaign_posts` as posts arrive.

A pass over one campaign is idempotent and keeps every agent's decision: rule-attributed rows follow the
rules and dates (added when a post matches, removed when it no longer does), while manual rows — an include
or a remembered exclude — are never touched by a pass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.campaigns.rules import Rule, matching_rule
from intel.db.campaigns import Campaign, CampaignPost, CampaignTalent
from intel.db.models import SocialPost, SocialProfile
from intel.errors import IntelError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attribution:
    """What one pass changed: rule-attributed posts added and removed."""

    added: int = 0
    removed: int = 0

    def __add__(self, other: Attribution) -> Attribution:
        return Attribution(self.added + other.added, self.removed + other.removed)


def day_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the calendar days first..last in `zone` (a campaign's dates are the agency's)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def attribute_campaign(session: Session, campaign_id: int, *, zone: str) -> Attribution:
    """Bring one campaign's rule-attributed posts up to date with its rules, talents and dates."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise IntelError(f"Campaign {campaign_id} was not found.")
    rules = [Rule(r.id, r.kind, r.value) for r in campaign.rules]
    matched = {} if campaign.status == "cancelled" else _matches(session, campaign, rules, zone)
    rows = {row.post_id: row for row in session.scalars(
        select(CampaignPost).where(CampaignPost.campaign_id == campaign_id))}
    stale = [pid for pid, row in rows.items() if row.how == "rule" and pid not in matched]
    if stale:
        session.execute(delete(CampaignPost).where(CampaignPost.campaign_id == campaign_id,
                                                   CampaignPost.post_id.in_(stale), CampaignPost.how == "rule"))
    for pid, rule_id in matched.items():
        if pid in rows and rows[pid].how == "rule":
            rows[pid].rule_id = rule_id
    new = [{"campaign_id": campaign_id, "post_id": pid, "how": "rule", "rule_id": rule_id, "excluded": False}
           for pid, rule_id in matched.items() if pid not in rows]
    _insert_new(session, new)
    session.flush()
    return Attribution(added=len(new), removed=len(stale))


def attribute_talents(session: Session, talent_ids: list[int], *, zone: str) -> Attribution:
    """Re-run attribution for every campaign of these talents (after an import or a sync wrote posts)."""
    ids = session.scalars(select(CampaignTalent.campaign_id).where(
        CampaignTalent.talent_id.in_(talent_ids)).distinct()).all()
    total = Attribution()
    for campaign_id in sorted(ids):
        total = total + attribute_campaign(session, campaign_id, zone=zone)
    if total.added or total.removed:
        log.info("campaign attribution for talents %s: %d added, %d removed", talent_ids, total.added,
                 total.removed)
    return total


def attribute_written(sessions: sessionmaker[Session], talent_ids: Iterable[int], *, zone: str) -> Attribution | None:
    """After an import or a sync wrote these talents' posts: attribute them, in a transaction of its own.

    A failure is logged and never undoes the write; the next write (or any campaign edit) attributes again.
    """
    ids = sorted(set(talent_ids))
    if not ids:
        return Attribution()
    try:
        with sessions.begin() as session:
            return attribute_talents(session, ids, zone=zone)
    except SQLAlchemyError as exc:
        log.warning("campaign attribution for talents %s failed, left to the next write: %s", ids, exc)
        return None


def _matches(session: Session, campaign: Campaign, rules: list[Rule], zone: str) -> dict[int, int]:
    """post id → id of the first rule it matches, over the campaign's talents' posts inside its dates."""
    if not rules:
        return {}
    start, end = day_bounds(campaign.starts_on, campaign.ends_on, zone)
    talents = select(CampaignTalent.talent_id).where(CampaignTalent.campaign_id == campaign.id)
    posts = session.execute(
        select(SocialPost.id, SocialPost.caption, SocialPost.platform_post_id)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(SocialProfile.talent_id.in_(talents), SocialPost.posted_at >= start, SocialPost.posted_at < end))
    found: dict[int, int] = {}
    for post_id, caption, platform_id in posts:
        rule = matching_rule(rules, caption or "", platform_id)
        if rule is not None:
            found[post_id] = rule.id
    return found


def _insert_new(session: Session, rows: list[dict[str, object]]) -> None:
    """Insert attributions; a row another pass inserted meanwhile is left as it is (ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    insert_fn = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert_fn(CampaignPost).on_conflict_do_nothing(
        index_elements=["campaign_id", "post_id"]), rows)



def decide(session: Session, campaign_id: int, post_id: int, *, include: bool, user_id: int | None) -> None:
    """An agent's manual include (or exclude) of one post of the campaign's talents; passes keep it."""
    owned = session.scalar(
        select(SocialPost.id).join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .join(CampaignTalent, CampaignTalent.talent_id == SocialProfile.talent_id)
        .where(SocialPost.id == post_id, CampaignTalent.campaign_id == campaign_id))
    if owned is None:
        raise IntelError("That post is not one of this campaign's talents' posts.")
    row = session.scalar(select(CampaignPost).where(CampaignPost.campaign_id == campaign_id,
                                                    CampaignPost.post_id == post_id))
    if row is None:
        row = CampaignPost(campaign_id=campaign_id, post_id=post_id)
        session.add(row)
    row.how, row.rule_id, row.excluded, row.decided_by = "manual", None, not include, user_id
    session.flush()


def undo_decision(session: Session, campaign_id: int, post_id: int, *, zone: str) -> None:
    """Forget a manual include or exclude: the post is attributed by the rules again, or not at all."""
    session.execute(delete(CampaignPost).where(CampaignPost.campaign_id == campaign_id,
                                               CampaignPost.post_id == post_id, CampaignPost.how == "manual"))
    attribute_campaign(session, campaign_id, zone=zone)
