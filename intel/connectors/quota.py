"""Quota accounting: the documented unit cost of each call, charged in `quota_usage` before the call is sent.

YouTube counts units per project per day, the day starting at midnight Pacific time; every request costs
its units, even one that fails (so retries are charged too). The charge is one atomic
`UPDATE … SET units = units + n … WHERE units + n <= limit`, so every process and worker sharing the
database shares one budget and none can overspend it; a refused charge raises QuotaExhausted with the
moment the quota day resets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from intel.connectors.base import QuotaExhausted
from intel.db.base import utcnow
from intel.db.connections import QuotaUsage

_TABLE = cast(Table, QuotaUsage.__table__)  # declarative types __table__ as a FromClause
PACIFIC = ZoneInfo("America/Los_Angeles")
NAMES = {"youtube": "YouTube", "instagram": "Instagram", "tiktok": "TikTok"}

# Unit cost per call, from https://developers.google.com/youtube/v3/determine_quota_cost (list methods cost
# 1 unit whatever their `part`; search.list 100 — the connector never searches). Kept in this one place.
COSTS: dict[str, dict[str, int]] = {
    "youtube": {"channels.list": 1, "playlistItems.list": 1, "videos.list": 1, "commentThreads.list": 1,
                "comments.list": 1, "search.list": 100},
}


def quota_day(moment: datetime) -> date:
    """The quota day of `moment`: its date in Pacific time (YouTube resets quotas at Pacific midnight)."""
    return moment.astimezone(PACIFIC).date()


def next_reset(moment: datetime) -> datetime:
    """The next Pacific midnight after `moment`, as an aware datetime in UTC."""
    tomorrow = quota_day(moment) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PACIFIC).astimezone(ZoneInfo("UTC"))


def cost(platform: str, method: str) -> int:
    """Units one call of `method` costs on `platform` (0 where the platform counts calls, not units)."""
    return COSTS.get(platform, {}).get(method, 0)


@dataclass(frozen=True)
class QuotaUse:
    """What one platform's API was charged on one quota day."""

    platform: str
    day: date
    units: int
    calls: int


def usage(session: Session, platform: str, day: date) -> QuotaUse:
    """Units and calls charged to `platform` on quota day `day` (zeros when nothing was called that day)."""
    row = session.execute(select(QuotaUsage.units, QuotaUsage.calls)
                          .where(QuotaUsage.platform == platform, QuotaUsage.quota_day == day)).first()
    return QuotaUse(platform, day, int(row[0]) if row else 0, int(row[1]) if row else 0)


class QuotaMeter:
    """Charges the calls of one sync (or one resolve) to the shared daily budget, and counts them."""

    def __init__(self, sessions: sessionmaker[Session], platform: str, daily_limit: int | None, *,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.sessions, self.platform, self.daily_limit, self.now = sessions, platform, daily_limit, now
        self.calls = 0
        self.units = 0
        self.by_method: Counter[str] = Counter()
        self._ready: date | None = None  # the quota day whose row is known to exist

    def charge(self, method: str) -> None:
        """Charge one call of `method` before it is sent; QuotaExhausted when the day's limit would be passed."""
        units, moment = cost(self.platform, method), self.now()
        day = quota_day(moment)
        if not self._charged(day, units, ensure=self._ready != day) and not self._charged(day, units, ensure=True):
            raise self.exhausted(moment)
        self._ready = day
        self.calls += 1
        self.units += units
        self.by_method[method] += 1

    def _charged(self, day: date, units: int, *, ensure: bool) -> bool:
        """One atomic UPDATE adding `units` and a call, unless that passes the limit; whether it was made."""
        table = _TABLE
        with self.sessions.begin() as session:
            if ensure:
                self._ensure_row(session, day)
            stmt = (update(table).where(table.c.platform == self.platform, table.c.quota_day == day)
                    .values(units=table.c.units + units, calls=table.c.calls + 1))
            if self.daily_limit is not None:
                stmt = stmt.where(table.c.units + units <= self.daily_limit)
            return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE

    def spent(self) -> None:
        """Record that the platform itself says today's quota is spent (another client of the key used it)."""
        if self.daily_limit is None:
            return
        day, table = quota_day(self.now()), _TABLE
        with self.sessions.begin() as session:
            self._ensure_row(session, day)
            session.execute(update(table).where(table.c.platform == self.platform, table.c.quota_day == day,
                                                table.c.units < self.daily_limit).values(units=self.daily_limit))

    def exhausted(self, moment: datetime | None = None) -> QuotaExhausted:
        """The error that says the quota is spent until the next reset."""
        resume = next_reset(moment or self.now())
        return QuotaExhausted(f"{NAMES.get(self.platform, self.platform)} quota spent; sync resumes at 00:00 Pacific "
                              f"({resume:%Y-%m-%d %H:%M} UTC)", resume)

    def _ensure_row(self, session: Session, day: date) -> None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(QuotaUsage).values(platform=self.platform, quota_day=day, units=0, calls=0)
                        .on_conflict_do_nothing(index_elements=["platform", "quota_day"]))
