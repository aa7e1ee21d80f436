"""Quiet hours: when a message that falls inside a person's quiet hours may go out, by their own wall clock.

The window is two local times in the person's zone (their own, else INTEL_TIMEZONE); a window whose start is
after its end runs over midnight (22:00–07:00). The release time is the window's end on the local calendar,
converted to UTC through the zone's rules of that day, so it stays 07:00 local across a DST change.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def in_quiet_hours(local: dt.time, start: dt.time, end: dt.time) -> bool:
    """True when the local time lies in [start, end), the window wrapping midnight when start > end."""
    if start == end:
        return False  # an empty window, not a whole day of silence
    if start < end:
        return start <= local < end
    return local >= start or local < end


def release_at(now: dt.datetime, zone: str, start: dt.time | None, end: dt.time | None) -> dt.datetime:
    """`now` when it is outside the quiet hours (or there are none), else the UTC instant they end."""
    if start is None or end is None:
        return now
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time().replace(tzinfo=None), start, end):
        return now
    day = local.date()
    if local.time().replace(tzinfo=None) >= end:  # before midnight in a window that wraps it: ends tomorrow
        day += dt.timedelta(days=1)
    # fold=0: an end time repeated by the autumn change is its first occurrence; one skipped by the spring change
    # resolves to the same instant an hour later on the clock (zoneinfo's reading of a time in the gap).
    return dt.datetime.combine(day, end, tzinfo=tz).astimezone(dt.UTC)
