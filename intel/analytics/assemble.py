"""Compute a SocialIntelligence value from a talent's facts (pure: no database, no clock).

Demo facts (generated rows of the demo roster, or `demo_facts`) describe no real account: every figure
computed from them is `estimated`, never `measured`, and the result is flagged `is_demo`.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from intel.analytics import audience, community, content, freshness, overview, sentiment_section
from intel.analytics.engagement import with_rates
from intel.analytics.facts import TalentFacts
from intel.analytics.result import SCHEMA_VERSION, SocialIntelligence, as_estimates

# Figure → how it is computed, in the order the methodology table lists them.
METHODOLOGY = {**overview.METHOD, **freshness.METHOD, **content.METHOD, **sentiment_section.METHOD,
               **community.METHOD, **audience.METHOD}


def compute_intelligence(facts: TalentFacts, now: datetime, *, since: date | None = None) -> SocialIntelligence:
    """The full intelligence of one talent as of `now` (`since`: a window's first day, see `window`)."""
    posts = with_rates(facts.posts, facts.snapshots)
    days = overview.platform_days(facts.snapshots)
    headline = overview.overview_section(days, posts, now)
    conversation = community.community_section(posts, now)
    result = SocialIntelligence(
        schema_version=SCHEMA_VERSION,
        talent_id=facts.talent_id,
        talent_name=facts.talent_name,
        is_demo=facts.is_demo,
        computed_at=now.isoformat(),
        connected=freshness.connected_profiles(facts.profiles),
        overview=headline,
        follower_trend=overview.follower_trend(days),
        content=content.content_section(posts, facts.timezone),
        sentiment=sentiment_section.sentiment_section(posts, facts.comment_days, facts.extreme_comments, now,
                                                     facts.comment_languages),
        community=conversation,
        audience=audience.audience_quality(facts.snapshots, posts, headline, conversation, facts.peers,
                                           None if since is None else pd.Timestamp(since)),
        freshness=freshness.freshness_section(facts, now),
        methodology=dict(METHODOLOGY),
    )
    return as_estimates(result) if facts.is_demo else result
