"""The engagement rule's seed sweep (`bench.engagement_seeds`) replays the rule in memory; it must raise exactly
the engagement alerts the product's evaluation raises on the same data, or its figures say nothing about the
product."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.alert_replay import run_replay
from bench.engagement_seeds import profile_posts, replay_profile
from intel.db.alerts import Alert
from intel.db.engine import make_engine
from intel.demo.events import InjectedEvent

TODAY = datetime.now(UTC).date()
TALENT = "Kenji Watanabe"


def test_the_in_memory_replay_raises_what_the_evaluation_raises(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'replay.db'}"
    days = 90
    result = run_replay(url, talents=[TALENT], days=days, today=TODAY,
                        events=[InjectedEvent(TALENT, "engagement_slump", TODAY - timedelta(days=50))])
    assert result.events == 1
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = sorted((a.scope, a.raised_at.date()) for a in conn.execute(
                select(Alert.scope, Alert.raised_at).where(Alert.rule == "engagement_drop")))
        posts = profile_posts(engine)
    finally:
        engine.dispose()
    first = TODAY - timedelta(days=days - 1)
    replayed = sorted((a[2], a[3].date()) for (name, platform), series in posts.items() if name == TALENT
                      for a in replay_profile(name, platform, series, first, TODAY))
    assert stored, "the injected slump raised no engagement alert in the product's evaluation"
    assert replayed == stored
