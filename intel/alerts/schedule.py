"""When the weekly digest is due: the ISO week key once this week's digest time has passed in settings.timezone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from intel.config import Settings


def digest_due(now: dt.datetime, settings: Settings) -> str | None:
    """The ISO week key (e.g. "2026-W49") when now is at or past this week's digest time, else None."""
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    monday = local.date() - dt.timedelta(days=local.weekday())
    day = monday + dt.timedelta(days=settings.alerts.digest_weekday)
    minute = settings.alerts.digest_minute
    # Wall-clock time in the zone, so the digest keeps its local hour across DST changes.
    due = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=zone)
    if local < due:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"
