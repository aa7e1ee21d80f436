"""A talent's intelligence for a period (a report's "last 90 days"), never silently for all time.

A `Window` is a range of whole UTC days, both ends included. Its intelligence is computed as of the end of
its last day: followers are the last snapshot on or before the end; growth runs from the snapshot at (or at
most `GROWTH_TOLERANCE_DAYS` before) the first day to the one at the end, and is unavailable when there is
none that early (never compared with a later snapshot); posts, comments, sentiment, engagement and content
performance are those of the posts of the window's days and of their comments made by its end (a comment
made inside the window on an older post is not the window's: it would count a post the window leaves out).
Audience-quality signs assess the window's days only (their trailing baseline may reach before it).
Each windowed figure's basis names the days it rests on; `methodology["period"]` names the window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.facts import TalentFacts, load_facts
from intel.analytics.overview import GROWTH_TOLERANCE_DAYS, platform_days
from intel.analytics.result import Growth, Metric, Overview, PlatformOverview, SocialIntelligence, metric
from intel.errors import IntelError

MAX_WINDOW_DAYS = 3 * 366
PRESET_DAYS = (30, 90, 365)
_PRESET = re.compile(r"(\d{1,4})d")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")

METHOD = {
    "growth": ("Followers on the last snapshot on or before the period's end minus followers on the snapshot of "
               "its first day (else the nearest earlier one within 3 days; otherwise unavailable)."),
    "posts_per_week": "Posts in the period ÷ (its days ÷ 7).",
    "window": (
        "Figures for a period of whole UTC days [start, end]: followers on the last snapshot on or before the "
        "end; growth from the snapshot on the start day (else the nearest earlier one within 3 days; "
        "otherwise unavailable) to that one; posts and comments of the period only; posts per week = posts "
        "in the period ÷ (its days ÷ 7)."
    ),
}


@dataclass(frozen=True)
class Window:
    """A period of whole UTC days, `start` and `end` included (at most MAX_WINDOW_DAYS long)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise IntelError(f"The period starts ({self.start}) after it ends ({self.end}): swap the dates.")
        if self.days > MAX_WINDOW_DAYS:
            raise IntelError(f"The period is {self.days} days long; choose at most {MAX_WINDOW_DAYS} days "
                             "(about 3 years).")

    @property
    def days(self) -> int:
        """How many days the window holds (both ends included)."""
        return (self.end - self.start).days + 1

    @classmethod
    def last(cls, days: int, today: date) -> Window:
        """The last `days` days up to and including `today`."""
        if days < 1:
            raise IntelError("A period is at least 1 day long.")
        return cls(today - timedelta(days=days - 1), today)

    def check_not_future(self, today: date) -> Window:
        """This window, or IntelError when it ends after `today` (figures of days to come do not exist)."""
        if self.end > today:
            raise IntelError(f"The period ends on {self.end}, after today ({today}): choose an end on or "
                             "before today.")
        return self

    def label(self) -> str:
        """`YYYY-MM-DD..YYYY-MM-DD`, the form `parse_window` reads back (and the cache key's part)."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def as_of(self) -> datetime:
        """The last instant of the window's end day (UTC): what its figures are as of."""
        return datetime.combine(self.end, time.max, tzinfo=UTC)


def parse_window(text: str | None, today: date) -> Window:
    """A window from "30d" / "90d" / "365d" or "YYYY-MM-DD..YYYY-MM-DD"; IntelError with what is accepted."""
    raw = (text or "").strip().lower()
    hint = 'Use 30d, 90d or 365d, or a range like "2026-01-01..2026-03-31".'
    if not raw:
        raise IntelError(f"No period given. {hint}")
    preset = _PRESET.fullmatch(raw)
    if preset:
        days = int(preset.group(1))
        if days not in PRESET_DAYS:
            raise IntelError(f"{raw!r} is not one of the periods offered. {hint}")
        return Window.last(days, today)
    bounds = _RANGE.fullmatch(raw)
    if not bounds:
        raise IntelError(f"{raw[:40]!r} is not a period. {hint}")
    try:
        start, end = (date.fromisoformat(b) for b in bounds.groups())
    except ValueError:
        raise IntelError(f"{raw!r} holds a date that does not exist. {hint}") from None
    return Window(start, end).check_not_future(today)


def compute_for_window(session: Session, talent_id: int, window: Window, *, now: datetime | None = None,
                       default_timezone: str = "UTC") -> SocialIntelligence:
    """Intelligence of `talent_id` for the window's days, as of its end (or `now`, if earlier: today's window).

    Demo talents without connected profiles get demo facts, as in `compute_for_talent`, cut to the window.
    """
    as_of = window.as_of() if now is None else min(window.as_of(), now)
    facts = load_facts(session, talent_id, as_of, default_timezone=default_timezone, since=window.start)
    if not facts.profiles["connected"].astype(bool).any() and facts.is_demo:
        whole = demo_facts(facts.talent_id, facts.talent_name, as_of, facts.timezone)
        facts = _cut(whole, window)
    intel = compute_intelligence(facts, as_of, since=window.start)
    days = platform_days(facts.snapshots)
    return _windowed(intel, days, window)


def _cut(facts: TalentFacts, window: Window) -> TalentFacts:
    """Generated facts restricted to the window's posts and comment days (snapshots stay whole)."""
    start = pd.Timestamp(window.start)
    posts = facts.posts[facts.posts["posted_at"] >= start.tz_localize(UTC)]
    comment_days = facts.comment_days[pd.to_datetime(facts.comment_days["day"]) >= start]
    return replace(facts, posts=posts.reset_index(drop=True), comment_days=comment_days.reset_index(drop=True))


def _windowed(intel: SocialIntelligence, days: pd.DataFrame, window: Window) -> SocialIntelligence:
    """`intel` with followers, growth, posts per week and the follower trend read at the window's edges."""
    days = days[days.index <= pd.Timestamp(window.end)] if not days.empty else days
    estimated = intel.is_demo
    platforms = {p: _platform(o, days.get(p), window, estimated) for p, o in intel.overview.platforms.items()}
    totals = days.ffill().sum(axis=1, min_count=1) if not days.empty else pd.Series(dtype="float64")
    overview = Overview(
        total_followers=intel.overview.total_followers,
        total_growth=(window_growth(totals, window, estimated=estimated),),
        platforms=platforms,
    )
    trend = {p: tuple(pt for pt in points if _edge(window) <= pt[0] <= window.end.isoformat())
             for p, points in intel.follower_trend.items()}
    return replace(intel, overview=overview, follower_trend=trend,
                   methodology={**intel.methodology, **METHOD, "period": window.label()})


def _edge(window: Window) -> str:
    """The earliest snapshot day growth may start from, as an ISO date."""
    return (window.start - timedelta(days=GROWTH_TOLERANCE_DAYS)).isoformat()


def _platform(overview: PlatformOverview, series: pd.Series | None, window: Window,
              estimated: bool) -> PlatformOverview:
    series = series.dropna() if series is not None else pd.Series(dtype="float64")
    followers = overview.followers
    if not series.empty:
        followers = replace(followers, basis=f"snapshot of {series.index[-1].date()}, the last on or before "
                                             f"{window.end}")
    posts = overview.posts_per_week.n
    return replace(
        overview, followers=followers, growth=(window_growth(series, window, estimated=estimated),),
        posts_per_week=metric(posts / (window.days / 7) if posts else None, posts,
                              f"posts of {window.label()} ÷ {window.days / 7:.1f} weeks", estimated=estimated),
    )


def window_growth(series: pd.Series, window: Window, *, estimated: bool = False) -> Growth:
    """Follower change from the snapshot at the window's start edge to the last one on or before its end."""
    series = series.dropna()
    series = series[series.index <= pd.Timestamp(window.end)]
    start = pd.Timestamp(window.start)
    earlier = series[(series.index <= start) & (series.index >= start - pd.Timedelta(days=GROWTH_TOLERANCE_DAYS))]
    if series.empty or earlier.empty:
        basis = (f"no snapshot on {window.start} or up to {GROWTH_TOLERANCE_DAYS} days before it: "
                 "growth over the period cannot be measured")
        return Growth(days=window.days, absolute=_none(basis), percent=_none(basis))
    first_day, first = earlier.index[-1].date(), float(earlier.iloc[-1])
    last_day, last = series.index[-1].date(), float(series.iloc[-1])
    basis = f"followers on {last_day} minus followers on {first_day}"
    pct = (last - first) / first * 100 if first > 0 else None
    return Growth(days=window.days, absolute=metric(last - first, 2, basis, estimated=estimated),
                  percent=metric(pct, 2, f"{basis}, ÷ followers on {first_day}", estimated=estimated))


def _none(basis: str) -> Metric:
    return metric(None, 0, basis)
