"""The rules over the database, as of `now`: engagement drop, spam surge, sync failing, campaign events.

Each reads only rows dated up to `now`, so replaying past days sees what was known then.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.alerts.rules import Finding, level_for
from intel.alerts.significance import share_rose, values_fell
from intel.analytics.result import platform_label
from intel.campaigns.events import CampaignEvent
from intel.config import RuleThresholds
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import Comment, SocialPost, SocialProfile

ENGAGEMENT_RECENT_POSTS = 6
ENGAGEMENT_BASELINE_DAYS = 90
ENGAGEMENT_MIN_BASELINE = 10
ENGAGEMENT_LOOKBACK_DAYS = 365  # how far back a sparse poster's 10 baseline posts may reach
# Six posts against ten or more (chosen on the replay of injected events, bench.alert_replay: p ≤ 0.05 raised half
# again as many false alerts for one more slump found).
ENGAGEMENT_ALPHA = 0.01
# Counters of a fresh post are still growing: posts younger than this are left out of both medians.
SETTLE = timedelta(days=2)
SPAM_RECENT_DAYS, SPAM_BASELINE_DAYS = 7, 28
SPAM_MIN_COMMENTS = 30
SPAM_KINDS = ("spam", "generic")


def engagement_drop(session: Session, talent_id: int, name: str, now: datetime,
                    limits: RuleThresholds) -> list[Finding]:
    """Per platform: the last 6 settled posts drew a median ≤ the ratio × the usual interactions for their format,
    and significantly less than the posts before them.

    "Usual" comes from the posts before the last 6 only (those of the 90 days before, or the 10 latest ones when
    the 90 days hold fewer), per media type: a story draws a fraction of a reel's interactions, so six stories in
    a row are a different mix, not a drop; and the posts being judged never lower their own yardstick.
    """
    settled = now - SETTLE
    rows = session.execute(
        select(SocialPost.platform, SocialPost.posted_at, SocialPost.media_type,
               SocialPost.likes + SocialPost.comments + SocialPost.shares + SocialPost.saves)
        .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
        .where(SocialProfile.talent_id == talent_id, SocialPost.posted_at <= settled,
               SocialPost.posted_at > settled - timedelta(days=ENGAGEMENT_LOOKBACK_DAYS))
        .order_by(SocialPost.posted_at)).all()
    by_platform: dict[str, list[tuple[datetime, str, float]]] = defaultdict(list)
    for platform, posted_at, media, interactions in rows:
        by_platform[platform].append((posted_at, media or "", float(interactions)))
    found: list[Finding] = []
    for platform, posts in sorted(by_platform.items()):
        last, earlier = posts[-ENGAGEMENT_RECENT_POSTS:], posts[:-ENGAGEMENT_RECENT_POSTS]
        cutoff = settled - timedelta(days=ENGAGEMENT_BASELINE_DAYS)
        baseline = [p for p in earlier if p[0] > cutoff] or []
        if len(baseline) < ENGAGEMENT_MIN_BASELINE:
            baseline = earlier[-ENGAGEMENT_MIN_BASELINE:]
        if len(last) == ENGAGEMENT_RECENT_POSTS and len(baseline) >= ENGAGEMENT_MIN_BASELINE:
            found += _engagement_finding(name, platform, [(m, v) for _, m, v in last],
                                         [(m, v) for _, m, v in baseline], limits)
    return found


def _engagement_finding(name: str, platform: str, last: list[tuple[str, float]], baseline: list[tuple[str, float]],
                        limits: RuleThresholds) -> list[Finding]:
    usual = _usual_by_format(baseline)
    relative = [value / usual(media) if usual(media) > 0 else 0.0 for media, value in last]
    earlier = [value / usual(media) if usual(media) > 0 else 0.0 for media, value in baseline]
    share = statistics.median(relative)
    if share > limits.engagement_ratio or not values_fell(relative, earlier, alpha=ENGAGEMENT_ALPHA):
        return []
    recent = statistics.median(v for _, v in last)
    label = platform_label(platform)
    return [Finding(
        "engagement_drop", platform, level_for(limits.engagement_ratio / max(share, 0.01)),
        f"{name}: {label} engagement down to {share:.0%} of usual",
        f"The last {ENGAGEMENT_RECENT_POSTS} {label} posts (at least 2 days old) drew a median {share:.0%} of the "
        f"usual interactions (likes + comments + shares + saves) for their format, {recent:,.0f} a post, "
        f"against the {len(baseline)} posts before them (rule: ≤ {limits.engagement_ratio:.0%}, and "
        f"significantly below those posts).",
        {"platform": platform, "recent_share_of_usual": round(share, 3), "recent_median": recent,
         "recent_n": ENGAGEMENT_RECENT_POSTS, "baseline_median": statistics.median(v for _, v in baseline),
         "baseline_n": len(baseline), "ratio_threshold": limits.engagement_ratio})]


def _usual_by_format(baseline: list[tuple[str, float]]) -> Callable[[str], float]:
    """The baseline median interactions of a media type (of all baseline posts, for a type with fewer than 3)."""
    overall = statistics.median(v for _, v in baseline)
    by_type: dict[str, list[float]] = defaultdict(list)
    for media, value in baseline:
        by_type[media].append(value)
    medians = {m: statistics.median(v) for m, v in by_type.items() if len(v) >= 3}
    return lambda media: medians.get(media, overall)


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
