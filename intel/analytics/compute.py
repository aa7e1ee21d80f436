"""Compute one talent's intelligence from the database.

Demo and real data never mix: only a demo talent (`Talent.is_demo`, the demo roster) without connected
accounts gets deterministic demo intelligence (`demo_facts`, flagged and estimated). A real talent
without connected accounts or data gets an intelligence in which every figure is unavailable
(`SocialIntelligence.has_data` is False), never fabricated figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.facts import load_facts
from intel.analytics.result import SocialIntelligence


def compute_for_talent(session: Session, talent_id: int, now: datetime, *,
                       default_timezone: str = "UTC") -> SocialIntelligence:
    """Intelligence of `talent_id` as of `now`; demo intelligence only for a demo talent with no connected profile.

    `default_timezone` (INTEL_TIMEZONE) is the best-time zone of a talent without its own.
    """
    facts = load_facts(session, talent_id, now, default_timezone=default_timezone)
    if not facts.profiles["connected"].astype(bool).any() and facts.is_demo:
        # Never mix: the demo facts replace the (empty) demo talent's facts entirely and are flagged.
        facts = demo_facts(facts.talent_id, facts.talent_name, now, facts.timezone)
    return compute_intelligence(facts, now)

