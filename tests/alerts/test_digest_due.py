"""digest_due across the week boundary and the Lisbon DST changes."""

import dataclasses
import datetime as dt

from intel.alerts.schedule import digest_due
from intel.config import Settings, get_settings

UTC = dt.UTC


def _settings() -> Settings:
    return dataclasses.replace(get_settings({}), timezone="Europe/Lisbon")


def test_due_after_monday_eight_lisbon_winter() -> None:
    s = _settings()
    assert digest_due(dt.datetime(2026, 12, 7, 7, 59, tzinfo=UTC), s) is None
    assert digest_due(dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC), s) == "2026-W50"
    assert digest_due(dt.datetime(2026, 12, 6, 23, 0, tzinfo=UTC), s) == "2026-W49"


def test_due_across_dst_changes() -> None:
    s = _settings()
    # After 2026-03-29 Lisbon is UTC+1: Monday 08:00 local is 07:00 UTC.
    assert digest_due(dt.datetime(2026, 3, 30, 6, 59, tzinfo=UTC), s) is None
    assert digest_due(dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC), s) == "2026-W14"
    # After 2026-10-25 back to UTC+0.
    assert digest_due(dt.datetime(2026, 10, 26, 7, 30, tzinfo=UTC), s) is None
    assert digest_due(dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC), s) == "2026-W44"
