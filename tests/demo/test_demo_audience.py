"""The demo roster's audience-quality story: the injected bought-follower jump and purge are flagged, and
nothing else in the roster is (its viral spikes are explained by their viral posts, its gradual drops are no
purge). Both databases; the roster is loaded once per database, computed, and the tables emptied again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from intel.analytics.compute import compute_for_talent
from intel.analytics.result import SocialIntelligence
from intel.analytics.summary import save_summary
from intel.db.models import Talent
from intel.demo.followers import AUDIENCE_TALENT, BOUGHT_SPIKE_PCT, PURGE_PCT, audience_event_days
from intel.demo.generate import load_demo
from tests.factories import empty_tables

TODAY = date(2025, 6, 30)
NOW = datetime.combine(TODAY, time(6), UTC)


@pytest.fixture(scope="module")
def roster(session_engine: Engine) -> Iterator[dict[str, SocialIntelligence]]:
    """Every demo talent computed twice (the second time every tier peer has a stored summary), by name."""
    try:
        load_demo(session_engine, today=TODAY)
        sessions = sessionmaker(session_engine)
        with Session(session_engine) as session:
            ids = session.scalars(select(Talent.id).order_by(Talent.id)).all()
            for _ in range(2):
                results = {}
                for talent_id in ids:
                    intel = compute_for_talent(session, talent_id, NOW)
                    save_summary(sessions, intel)
                    results[intel.talent_name] = intel
    finally:
        empty_tables(session_engine)
    yield results


def test_the_audience_talent_has_exactly_the_injected_jump_and_purge(roster):
    audience = roster[AUDIENCE_TALENT].audience
    bought, purged = audience_event_days(TODAY)
    assert [(e.day, e.platform, e.kind) for e in audience.events] == [
        (bought.isoformat(), "instagram", "spike"), (purged.isoformat(), "instagram", "purge")]
    spike, purge = audience.events
    # The injected step plus that day's organic change (noise of ~0.1 % a day).
    assert spike.percent == pytest.approx(BOUGHT_SPIKE_PCT, abs=0.5) and spike.z >= 6
    assert purge.percent == pytest.approx(-PURGE_PCT, abs=0.5) and purge.z <= -6
    status = {c.name: c.status for c in audience.components}
    assert status == {"follower_spikes": "flag", "follower_purges": "flag", "engagement_vs_tier": "ok",
                      "comment_quality": "ok"}
    assert audience.level == "strong signs" and audience.signs.status == "estimated"
    spikes = audience.components[0]
    assert "explained by a viral post" in spikes.explanation  # its own viral spikes were seen and explained


def test_no_other_demo_talent_has_a_flagged_day(roster):
    flagged = {name: [(e.day, e.kind) for e in intel.audience.events]
               for name, intel in roster.items() if intel.audience.events}
    assert flagged == {AUDIENCE_TALENT: [(d.isoformat(), k) for d, k in zip(audience_event_days(TODAY),
                                                                          ("spike", "purge"), strict=True)]}
    explained = sum("explained by a viral post" in i.audience.components[0].explanation for i in roster.values())
    assert explained >= 8  # the roster's viral spikes exist, and are explained rather than flagged
