"""Quiet hours in the person's own zone, across both DST changes of 2026 (Europe/Berlin and America/New_York)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from intel.alerts.quiet import in_quiet_hours, release_at

NIGHT = (time(22, 0), time(7, 0))


def test_a_window_over_midnight_holds_both_sides_and_an_empty_one_nothing() -> None:
    assert in_quiet_hours(time(23, 0), *NIGHT) and in_quiet_hours(time(6, 59), *NIGHT)
    assert not in_quiet_hours(time(7, 0), *NIGHT) and not in_quiet_hours(time(21, 59), *NIGHT)
    assert in_quiet_hours(time(13, 0), time(12, 0), time(14, 0))
    assert not in_quiet_hours(time(13, 0), time(9, 0), time(9, 0))


@pytest.mark.parametrize(("now", "zone", "expected"), [
    # Berlin, the night clocks go forward (29 March, 02:00 CET -> 03:00 CEST): 07:00 local is 05:00 UTC, not 06:00.
    (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), "Europe/Berlin", datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),
    # Berlin, the night clocks go back (25 October, 03:00 CEST -> 02:00 CET): 07:00 local is 06:00 UTC.
    (datetime(2026, 10, 24, 21, 0, tzinfo=UTC), "Europe/Berlin", datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
    # After midnight local, the window ends the same morning.
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/Berlin", datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
    # New York, 8 March 2026 (EST -> EDT): 07:00 EDT is 11:00 UTC; the evening before it was 03:00 UTC+5.
    (datetime(2026, 3, 8, 4, 0, tzinfo=UTC), "America/New_York", datetime(2026, 3, 8, 11, 0, tzinfo=UTC)),
])
def test_a_message_in_quiet_hours_waits_for_seven_local_across_dst(now, zone, expected) -> None:
    assert release_at(now, zone, *NIGHT) == expected


def test_outside_quiet_hours_or_without_them_it_goes_now() -> None:
    noon = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    assert release_at(noon, "Europe/Berlin", *NIGHT) == noon
    assert release_at(noon, "Europe/Berlin", None, None) == noon
