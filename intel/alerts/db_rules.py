"""The rules over the database, as of `now`: engagement drop, spam surge, sync failing, campaign events.

Each reads only rows dated up to `now`, so replaying past days sees what was known then.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.alerts.rules import Finding, level_for
from intel.analytics.result import platform_label
from intel.campaigns.events import CampaignEvent
from intel.config import RuleThresholds
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import Comment, SocialPost, SocialProfile

ENGAGEMENT_RECENT_POSTS = 6
ENGAGEMENT_BASELINE_DAYS = 90
ENGAGEMENT_MIN_BASELINE = 10
# Counters of a fresh post are still growing: posts younger than this are left out of both medians.
SETTLE = timedelta(days=2)
SPAM_RECENT_DAYS, SPAM_BASELINE_DAYS = 7, 28
SPAM_MIN_COMMENTS = 30
SPAM_KINDS = ("spam", "generic")


def engagement_drop(session: Session, talent_id: int, name: str, now: datetime,
                    limits: RuleThresholds) -> list[Finding]:
    """Per platform: the median interactions of the last 6 settled posts ≤ the ratio × the 90-day median."""
    settled = now - SETTLE
    rows = session.execute(
        select(SocialPost.platform, SocialPost.posted_at,
               SocialPost.likes + SocialPost.comments + SocialPost.shares + SocialPost.saves)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(SocialProfile.talent_id == talent_id, SocialPost.posted_at <= settled,
               SocialPost.posted_at > settled - timedelta(days=ENGAGEMENT_BASELINE_DAYS))
        .order_by(SocialPost.posted_at)).all()
    by_platform: dict[str, list[float]] = defaultdict(list)
    for platform, _, interactions in rows:
        by_platform[platform].append(float(interactions))
    found: list[Finding] = []
    for platform, values in sorted(by_platform.items()):
        if len(values) < ENGAGEMENT_MIN_BASELINE:
            continue
        baseline, recent = statistics.median(values), statistics.median(values[-ENGAGEMENT_RECENT_POSTS:])
        if baseline <= 0 or recent > baseline * limits.engagement_ratio:
            continue
        share = recent / baseline
        found.append(Finding(
            "engagement_drop", platform, level_for(limits.engagement_ratio / max(share, 0.01)),
            f"{name}: {platform_label(platform)} engagement down to {share:.0%} of usual",
            f"The last {ENGAGEMENT_RECENT_POSTS} {platform_label(platform)} posts (at least 2 days old) have a "
            f"median of {recent:,.0f} interactions (likes + comments + shares + saves), against {baseline:,.0f} "
            f"over the {len(values)} posts of the last {ENGAGEMENT_BASELINE_DAYS} days (rule: ≤ "
            f"{limits.engagement_ratio:.0%}).",
            {"platform": platform, "recent_median": recent, "recent_n": ENGAGEMENT_RECENT_POSTS,
             "baseline_median": baseline, "baseline_n": len(values), "ratio_threshold": limits.engagement_ratio}))
    return found


def spam_surge(session: Session, talent_id: int, name: str, now: datetime,
               limits: RuleThresholds) -> list[Finding]:
    """Spam and generic comments of the last 7 days well above their share in the 28 days before."""
    recent_start = now - timedelta(days=SPAM_RECENT_DAYS)
    base_start = recent_start - timedelta(days=SPAM_BASELINE_DAYS)
    rows = session.execute(
        select(Comment.created_at, Comment.kind)
        .join(SocialPost, SocialPost.id == Comment.post_id)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(SocialProfile.talent_id == talent_id, Comment.is_talent_reply.is_(False),
               Comment.created_at > base_start, Comment.created_at <= now)).all()
    recent = [kind for created, kind in rows if created > recent_start]
    base = [kind for created, kind in rows if created <= recent_start]
    if len(recent) < SPAM_MIN_COMMENTS or not base:
        return []
    r_share = sum(k in SPAM_KINDS for k in recent) / len(recent) * 100
    b_share = sum(k in SPAM_KINDS for k in base) / len(base) * 100
    excess = r_share - b_share
    if excess < limits.spam_points:
        return []
    return [Finding(
        "spam_surge", "", level_for(excess / limits.spam_points), f"{name}: spam comments surging",
        f"{r_share:.0f}% of {len(recent)} audience comments of the last {SPAM_RECENT_DAYS} days are spam or "
        f"generic, against {b_share:.0f}% of {len(base)} in the {SPAM_BASELINE_DAYS} days before (rule: "
        f"≥ {limits.spam_points:g} points above).",
        {"recent_share": round(r_share, 2), "recent_n": len(recent), "baseline_share": round(b_share, 2),
         "baseline_n": len(base), "points_threshold": limits.spam_points})]


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
