"""The rules over the database, as of `now`: engagement drop, spam surge, sync failing, campaign events.

Each reads only rows dated up to `now`, so replaying past days sees what was known then.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.alerts.engagement import LOOKBACK_DAYS, PostInteractions, engagement_finding
from intel.alerts.rules import Finding, level_for
from intel.alerts.significance import share_rose
from intel.analytics.result import platform_label
from intel.campaigns.events import CampaignEvent
from intel.config import RuleThresholds
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import Comment, SocialPost, SocialProfile

# Counters of a fresh post are still growing: posts younger than this are left out.
SETTLE = timedelta(days=2)
SPAM_RECENT_DAYS, SPAM_BASELINE_DAYS = 7, 28
SPAM_MIN_COMMENTS = 30
SPAM_KINDS = ("spam", "generic")


def engagement_drop(session: Session, talent_id: int, name: str, now: datetime,
                    limits: RuleThresholds) -> list[Finding]:
    """Per platform: the last settled posts drew a median ≤ the ratio × the usual interactions for their format,
    and significantly less than the posts before them (`intel.alerts.engagement`)."""
    settled = now - SETTLE
    rows = session.execute(
        select(SocialPost.platform, SocialPost.posted_at, SocialPost.media_type,
               SocialPost.likes + SocialPost.comments + SocialPost.shares + SocialPost.saves)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(SocialProfile.talent_id == talent_id, SocialPost.posted_at <= settled,
               SocialPost.posted_at > settled - timedelta(days=LOOKBACK_DAYS))
        .order_by(SocialPost.posted_at, SocialPost.id)).all()
    by_platform: dict[str, list[PostInteractions]] = defaultdict(list)
    for platform, posted_at, media, interactions in rows:
        by_platform[platform].append(PostInteractions(posted_at, media or "", float(interactions or 0)))
    return [f for platform, posts in sorted(by_platform.items())
            for f in engagement_finding(name, platform, posts, settled, limits)]


def spam_surge(session: Session, talent_id: int, name: str, now: datetime,
               limits: RuleThresholds) -> list[Finding]:
    """Per platform: spam and generic comments of the last 7 days well above their share in the 28 days before,
    and significantly so (bots target one account at a time; a quiet platform is not drowned by a busy one)."""
    recent_start = now - timedelta(days=SPAM_RECENT_DAYS)
    base_start = recent_start - timedelta(days=SPAM_BASELINE_DAYS)
    rows = session.execute(
        select(SocialProfile.platform, Comment.created_at, Comment.kind)
        .join(SocialPost, SocialPost.id == Comment.post_id)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(SocialProfile.talent_id == talent_id, Comment.is_talent_reply.is_(False),
               Comment.created_at > base_start, Comment.created_at <= now)).all()
    by_platform: dict[str, tuple[list[bool], list[bool]]] = defaultdict(lambda: ([], []))
    for platform, created, kind in rows:
        by_platform[platform][0 if created > recent_start else 1].append(kind in SPAM_KINDS)
    return [f for platform, (recent, base) in sorted(by_platform.items())
            for f in _spam_finding(name, platform, recent, base, limits)]


def _spam_finding(name: str, platform: str, recent: list[bool], base: list[bool],
                  limits: RuleThresholds) -> list[Finding]:
    if len(recent) < SPAM_MIN_COMMENTS or not base:
        return []
    r_share, b_share = sum(recent) / len(recent) * 100, sum(base) / len(base) * 100
    excess = r_share - b_share
    if excess < limits.spam_points or not share_rose(sum(recent), len(recent), sum(base), len(base)):
        return []
    label = platform_label(platform)
    return [Finding(
        "spam_surge", platform, level_for(excess / limits.spam_points), f"{name}: spam comments surging on {label}",
        f"{r_share:.0f}% of {len(recent)} audience comments on {label} of the last {SPAM_RECENT_DAYS} days are "
        f"spam or generic, against {b_share:.0f}% of {len(base)} in the {SPAM_BASELINE_DAYS} days before (rule: "
        f"≥ {limits.spam_points:g} points above, and significantly).",
        {"platform": platform, "recent_share": round(r_share, 2), "recent_n": len(recent),
         "baseline_share": round(b_share, 2), "baseline_n": len(base), "points_threshold": limits.spam_points})]


def sync_failing(session: Session, talent_id: int, name: str, limits: RuleThresholds) -> list[Finding]:
    """A connected profile whose syncs keep failing, or which needs reconnecting."""
    rows = session.execute(
        select(SocialProfile.platform, SyncState.last_status, SyncState.consecutive_failures,
               SyncState.last_message)
        .join(SyncState, SyncState.profile_id == SocialProfile.id)
        .join(PlatformConnection, PlatformConnection.profile_id == SocialProfile.id)
        .where(SocialProfile.talent_id == talent_id)).all()
    found: list[Finding] = []
    for platform, status, failures, message in rows:
        if status != "needs_reconnect" and failures < limits.sync_failures:
            continue
        what = "needs reconnecting" if status == "needs_reconnect" else f"failed {failures} times in a row"
        found.append(Finding(
            "sync_failing", platform, 1 if status != "needs_reconnect" else 2,
            f"{name}: {platform_label(platform)} sync {what}",
            f"The {platform_label(platform)} sync {what}. Last message: {message or 'none'}.",
            {"platform": platform, "status": status, "consecutive_failures": failures}))
    return found


def campaign_findings(events: list[CampaignEvent], talent_id: int) -> list[Finding]:
    """The talent's open campaign events (overdue deliverables, campaign backlash) as findings."""
    return [Finding(e.kind, e.key, 1, e.message.split(":", 1)[0] + (": deliverable overdue"
                    if e.kind == "deliverable_overdue" else ": comment backlash"), e.message,
                    {"campaign_id": e.campaign_id})
            for e in events if e.talent_id == talent_id]
