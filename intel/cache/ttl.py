"""Cache TTL rules: fixed by data kind, or "smart" (shorter for talents whose data moves fast).

Smart rule (INTEL_SMART_TTL=1), applied to real data only, stated here and in the README:
- start from the kind's TTL (12 h real);
- halve it when the talent posts often (≥ 7 posts a week on any platform);
- halve it again when its newest post or snapshot is less than 24 h old;
- never below INTEL_SMART_TTL_MIN (default 2 h).
"""

from __future__ import annotations

from datetime import datetime

from intel.analytics.result import SocialIntelligence

FREQUENT_POSTS_PER_WEEK = 7.0
RECENT_HOURS = 24


def smart_ttl(intel: SocialIntelligence, base_s: int, floor_s: int) -> int:
    """The TTL for `intel` under the smart rule."""
    ttl = base_s
    if _posts_often(intel):
        ttl //= 2
    if _changed_recently(intel):
        ttl //= 2
    return max(floor_s, min(ttl, base_s))


def _posts_often(intel: SocialIntelligence) -> bool:
    rates = [p.posts_per_week.value for p in intel.overview.platforms.values()]
    return any(r is not None and r >= FREQUENT_POSTS_PER_WEEK for r in rates)


def _changed_recently(intel: SocialIntelligence) -> bool:
    computed = datetime.fromisoformat(intel.computed_at)
    newest = intel.freshness.newest_post_at
    if newest is None:
        return False
    return (computed - datetime.fromisoformat(newest)).total_seconds() < RECENT_HOURS * 3600
