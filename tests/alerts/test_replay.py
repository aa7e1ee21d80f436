"""The alert rules against injected events (issue 18's measurement, small): one demo talent, the last 100 days
replayed day by day on SQLite; every injected event is raised within 1 day, and at most one other alert per
talent-quarter.
The full year over the whole roster is the benchmark's `alert_replay` row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.alert_replay import run_replay
from intel.demo.events import InjectedEvent

TODAY = datetime.now(UTC).date()


def test_every_injected_event_is_raised_within_a_day_and_false_alarms_stay_rare(tmp_path) -> None:
    talent = "Priya Nair"
    events = [InjectedEvent(talent, "backlash", TODAY - timedelta(days=80)),
              InjectedEvent(talent, "follower_drop", TODAY - timedelta(days=55), "tiktok"),
              InjectedEvent(talent, "spam_wave", TODAY - timedelta(days=30))]
    result = run_replay(f"sqlite:///{tmp_path / 'replay.db'}", talents=[talent], days=100, today=TODAY,
                        events=events)
    assert result.events == 3
    assert result.missed == [] and result.found == 3, result.as_dict()
    assert all(0 <= late <= 1 for late in result.latencies_days)
    # Anything else is a false alarm: at most one per talent and quarter (100 days: two quarters begun).
    assert result.max_false_per_talent_quarter <= 1, result.false_alerts
