"""Compute one talent's intelligence from the database (or demo intelligence when it has no data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.facts import load_facts
from intel.analytics.result import SocialIntelligence


def compute_for_talent(session: Session, talent_id: int, now: datetime) -> SocialIntelligence:
    """Intelligence of `talent_id` as of `now`; a talent with no connected profile gets demo data."""
    facts = load_facts(session, talent_id, now)
    if not facts.profiles["connected"].astype(bool).any():
        # Never mix: the demo facts replace the (empty) real ones entirely and are flagged.
        facts = demo_facts(facts.talent_id, facts.talent_name, now)
    return compute_intelligence(facts, now)
