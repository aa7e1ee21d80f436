"""The campaign pages' server time at 200 campaigns × 5 talents (issue 17: campaign page p95 ≤ 300 ms).

Seeds (idempotently) 1,000 small real talents "Bench campaigns …", each with one profile carrying follower
snapshots every two days, 10 organic posts in the 90 days before its campaign and 3 tagged campaign posts; 200
campaigns of 5 of them with a hashtag rule, 2 deliverables per talent and a fee; then the real attribution.
It times what the server does for a page: `campaign_detail` (the campaign page) for campaigns in turn, and
`list_campaigns` (the list page), as a manager who sees them all.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from bench.seed import seed_small_talents
from intel.campaigns.attribute import attribute_campaign
from intel.db.campaigns import Campaign, CampaignTalent, Deliverable, TrackingRule
from intel.db.engine import bulk_insert
from intel.db.models import FollowerSnapshot, SocialPost, SocialProfile

log = logging.getLogger(__name__)

CAMPAIGNS, PER_CAMPAIGN = 200, 5
ORGANIC, TAGGED = 10, 3
LABEL, BRAND = "Bench campaigns", "Bench brand"
GOAL_P95_MS = 300.0
DETAIL_N, LIST_N = 60, 10


def seed_campaigns(engine: Engine, today: date) -> tuple[list[int], bool]:
    """(campaign ids, reused): the bench's 200 campaigns, written once and reused while they are all there."""
    with engine.connect() as conn:
        ids = list(conn.scalars(select(Campaign.id).where(Campaign.brand.like(f"{BRAND} %")).order_by(Campaign.id)))
    if len(ids) == CAMPAIGNS:
        return ids, True
    talents, _ = seed_small_talents(engine, LABEL, CAMPAIGNS * PER_CAMPAIGN, seed=17)
    rng = random.Random(17)
    with engine.begin() as conn:
        conn.execute(Campaign.__table__.delete().where(Campaign.brand.like(f"{BRAND} %")))
        profiles = dict(conn.execute(select(SocialProfile.talent_id, func.min(SocialProfile.id))
                                     .where(SocialProfile.talent_id.in_(talents)).group_by(SocialProfile.talent_id))
                        .tuples().all())
        conn.execute(SocialPost.__table__.delete().where(SocialPost.profile_id.in_(list(profiles.values()))))
        conn.execute(FollowerSnapshot.__table__.delete().where(
            FollowerSnapshot.profile_id.in_(list(profiles.values()))))
        plans = [(i, talents[i * PER_CAMPAIGN:(i + 1) * PER_CAMPAIGN],
                  today - timedelta(days=rng.randint(10, 300))) for i in range(CAMPAIGNS)]
        for i, group, start in plans:
            _write_posts(conn, rng, i, [profiles[t] for t in group], start)
        with Session(bind=conn) as session:
            ids = [_write_campaign(session, rng, i, group, start) for i, group, start in plans]
            for campaign_id in ids:
                attribute_campaign(session, campaign_id, zone="UTC")
            session.flush()
    log.info("%d bench campaigns seeded", len(ids))
    return ids, False


def _write_posts(conn: Connection, rng: random.Random, i: int, profile_ids: list[int], start: date) -> None:
    """Snapshots every 2 days from 95 days before the start to its end; organic then tagged posts."""
    snapshots, posts = [], []
    for profile_id in profile_ids:
        followers = rng.randint(5_000, 500_000)
        for d in range(-95, 31, 2):
            day = start + timedelta(days=d)
            snapshots.append({"profile_id": profile_id, "captured_on": day, "followers": followers + d * 10,
                              "captured_at": datetime.combine(day, clock(12), UTC)})
        for n in range(ORGANIC + TAGGED):
            tagged = n >= ORGANIC
            offset = rng.uniform(1, 29) if tagged else -rng.uniform(1, 89)
            reach = followers * rng.uniform(0.1, 0.6) * (rng.uniform(0.6, 1.8) if tagged else 1)
            posts.append({
                "profile_id": profile_id, "platform": "youtube", "platform_post_id": f"bench-c{i}-{profile_id}-{n}",
                "posted_at": datetime.combine(start, clock(), UTC) + timedelta(days=offset),
                "media_type": "video", "caption": f"post {n}" + (f" #benchbrand{i}" if tagged else ""),
                "likes": round(reach * 0.05), "comments": round(reach * 0.004), "shares": round(reach * 0.002),
                "saves": 0, "views": round(reach), "is_sponsored": tagged})
    bulk_insert(conn, FollowerSnapshot, snapshots)
    bulk_insert(conn, SocialPost, posts)


def _write_campaign(session: Session, rng: random.Random, i: int, talents: list[int], start: date) -> int:
    end = start + timedelta(days=30)
    campaign = Campaign(brand=f"{BRAND} {i:03d}", name=f"Campaign {i:03d}", starts_on=start, ends_on=end,
                        status="completed" if end < date.today() else "live", currency="EUR")
    session.add(campaign)
    session.flush()
    session.add(TrackingRule(campaign_id=campaign.id, kind="hashtag", value=f"benchbrand{i}"))
    for talent_id in talents:
        link = CampaignTalent(campaign_id=campaign.id, talent_id=talent_id, fee_minor=rng.randint(1, 50) * 10_000)
        session.add(link)
        session.flush()
        session.add_all([Deliverable(campaign_talent_id=link.id, platform="youtube", media_type="video", count=2,
                                     due_on=start + timedelta(days=15)),
                         Deliverable(campaign_talent_id=link.id, platform="youtube", media_type="video", count=2,
                                     due_on=end)])
    session.flush()
    return campaign.id


def page_figures(db_url: str, ids: list[int]) -> dict[str, Any]:
    """ms of the campaign page's server work (DETAIL_N campaigns in turn, after a warm-up) and of the list's."""
    from bench.sim import installed
    from intel.accounts.auth import Identity
    from intel.service import campaigns as service

    manager = Identity(None, "bench@x", "Bench", "manager")
    with installed({"DATABASE_URL": db_url}):
        service.campaign_detail(manager, ids[0])
        detail = [_ms(lambda c=c: service.campaign_detail(manager, c)) for c in ids[:DETAIL_N]]
        listed = len(service.list_campaigns(manager))
        listing = [_ms(lambda: service.list_campaigns(manager)) for _ in range(LIST_N)]
        sample = service.campaign_detail(manager, ids[0])
    return {"detail_ms": detail, "list_ms": listing, "campaigns_listed": listed,
            "posts_per_campaign": len(sample.posts), "talents_per_campaign": len(sample.talents)}


def _ms(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000
