"""Demo campaigns that tell the feature's story in a sales walkthrough (always is_demo, like the roster).

Each plan picks a talent's posts inside the campaign's dates by how they performed, tags their captions with the
campaign's hashtag (after sentiment scoring, so no figure changes), and the real attribution attributes them:
- a completed campaign whose posts did well (lift above 1), and one whose posts did poorly (below 1);
- a live campaign with a deliverable past its due date;
- a live campaign on the talent in a controversy: its posts draw the comment backlash;
- a planned campaign with deliverables still due.
No random draw: the roster's random stream, and so every other demo figure, stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from intel.campaigns.attribute import attribute_campaign
from intel.db.campaigns import Campaign, CampaignTalent, Deliverable, TrackingRule
from intel.demo.followers import HOSTILE_DAYS

Row = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """One demo campaign: whose, when (days from today), which posts (best, worst or latest n) and dues."""

    brand: str
    name: str
    handle: str
    platform: str
    tag: str
    first: int
    last: int
    status: str
    pick: str  # "best" | "worst" | "latest"
    posts: int
    fee_minor: int
    owed: tuple[tuple[int, int], ...]  # (extra posts owed beyond those picked, due day from today)


PLANS: tuple[Plan, ...] = (
    Plan("Glow Lab", "Glass Skin Summer", "mayaglowsup", "instagram", "GlowLabSummer", -130, -100, "completed",
         "best", 3, 650_000, ((0, -100),)),
    Plan("Voltcell", "Power Week", "samtechtalks", "youtube", "VoltcellPower", -210, -180, "completed", "worst", 3,
         300_000, ((0, -180),)),
    Plan("Pixel Forge", "Launch Month", "jordanbits", "tiktok", "PixelForgeLaunch", -24, 10, "live", "latest", 1,
         900_000, ((0, -12), (2, -3))),
    Plan("Urban Thread", "Autumn Capsule", "sofiamarques.style", "instagram", "UrbanThreadAutumn",
         -HOSTILE_DAYS - 2, 20, "live", "latest", 3, 480_000, ((1, 15),)),
    Plan("Green Bowl", "Winter Recipes", "lucacooks", "instagram", "GreenBowlWinter", 14, 45, "planned", "latest", 0,
         220_000, ((2, 30), (1, 45))),
)


def tag_posts(roster: Any, today: date) -> dict[str, list[str]]:
    """Append each plan's hashtag to the captions of the posts it picks (roster rows, before they are written);
    the picked posts' formats by campaign name."""
    talents = [t["primary_handle"] for t in roster.talents]
    formats: dict[str, list[str]] = {}
    for plan in PLANS:
        chosen = _pick(plan, _window_posts(roster, talents, plan, today))
        for row in chosen:
            row["caption"] = f"{row['caption']} #{plan.tag}"
        formats[plan.name] = [row["media_type"] for row in chosen]
    return formats


def _window_posts(roster: Any, talents: list[str], plan: Plan, today: date) -> list[Row]:
    """The plan's talent's posts on its platform, a full day inside the campaign's dates (any agency zone)."""
    start = datetime.combine(today + timedelta(days=plan.first + 1), time(), UTC)
    end = datetime.combine(today + timedelta(days=plan.last), time(), UTC)
    profiles = {i for i, (talent, p) in enumerate(roster.profiles)
                if talents[talent] == plan.handle and p["platform"] == plan.platform}
    return [row for profile, row in roster.posts if profile in profiles and start <= row["posted_at"] < end]


def _interactions(row: Row) -> int:
    return int(row["likes"] + row["comments"] + row["shares"] + row["saves"])


_ORDER: dict[str, Callable[[Row], Any]] = {
    "best": lambda r: -_interactions(r), "worst": _interactions, "latest": lambda r: -r["posted_at"].timestamp()}


def _pick(plan: Plan, posts: list[Row]) -> list[Row]:
    return sorted(posts, key=_ORDER[plan.pick])[: plan.posts]


def write_campaigns(conn: Connection, talent_ids: tuple[int, ...], handles: list[str], formats: dict[str, list[str]],
                    today: date, zone: str) -> int:
    """Insert the demo campaigns for the written roster and attribute their posts; the number written.

    The first deliverable of a plan asks for the picked posts (by their formats), so they count as delivered;
    the others are the extra posts still owed, in the platform's main format.
    """
    ids = dict(zip(handles, talent_ids, strict=True))
    with Session(bind=conn) as session:
        for plan in PLANS:
            campaign = Campaign(brand=plan.brand, name=plan.name, owner_id=None, status=plan.status,
                                starts_on=today + timedelta(days=plan.first), ends_on=today + timedelta(days=plan.last),
                                currency="EUR", is_demo=True, notes="Generated for the demo walkthrough.")
            session.add(campaign)
            session.flush()
            link = CampaignTalent(campaign_id=campaign.id, talent_id=ids[plan.handle], fee_minor=plan.fee_minor)
            session.add_all([link, TrackingRule(campaign_id=campaign.id, kind="hashtag", value=plan.tag.casefold())])
            session.flush()
            for (media, count), due in _dues(plan, formats.get(plan.name, []), today):
                session.add(Deliverable(campaign_talent_id=link.id, platform=plan.platform, media_type=media,
                                        count=count, due_on=due))
            attribute_campaign(session, campaign.id, zone=zone)
        session.flush()
    return len(PLANS)


def _dues(plan: Plan, picked: list[str], today: date) -> list[tuple[tuple[str, int], date]]:
    """((format, count), due date) of each deliverable of the plan."""
    main = {"instagram": "reel", "tiktok": "video", "youtube": "video"}[plan.platform]
    (first_extra, first_due), *rest = plan.owed
    found = [((media, picked.count(media)), today + timedelta(days=first_due)) for media in dict.fromkeys(picked)]
    extras = [(first_extra, first_due), *rest]
    found += [((main, extra), today + timedelta(days=due)) for extra, due in extras if extra]
    return found


def delete_campaigns(conn: Connection) -> None:
    """Remove every demo campaign (their talents, rules, deliverables and posts follow by cascade)."""
    conn.execute(delete(Campaign).where(Campaign.id.in_(select(Campaign.id).where(Campaign.is_demo.is_(True)))))
