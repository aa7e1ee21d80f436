"""Alert rules against ground truth (issue 18): a calm demo roster with known injected events, a year of daily
computations replayed, and every alert matched to an injected event or counted as a false alarm.

The roster is `intel.demo.generate.load_demo(events=…)`: no built-in story and no campaigns, so nothing but the
injected events should raise an alert. Each day at `HOUR` UTC (after the demo's 00:30 nightly sync), each
connected talent is computed as of that moment (`compute_for_talent`: snapshots, posts and comments up to
it) and evaluated (`evaluate_talent`, as after every computation in the product), one transaction each.
Post counters are their final values, as the demo stores them (posts under 2 days old are left out by the
engagement rule anyway).

An alert is the event's when it has the event's rule (backlash → negative_comments, spam wave → spam_surge,
follower drop → follower_drop on that platform, engagement slump → engagement_drop on that platform) and is
raised from the day before the event starts until `EXPLAINED_DAYS` after the data first shows it; any other
alert is false. An event is found when one of its alerts is raised at most 1 day after `detectable_on`.
False alarms are counted per talent and 91-day quarter of the replayed days.
"""

from __future__ import annotations

import logging
import time as timer
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from intel.alerts.evaluate import evaluate_talent
from intel.analytics.compute import compute_for_talent
from intel.config import Settings, get_settings
from intel.db.alerts import Alert
from intel.db.engine import make_engine, session_factory
from intel.db.migrate import upgrade
from intel.db.models import SocialProfile, Talent
from intel.demo import text
from intel.demo.events import InjectedEvent, PlacedEvent, schedule_events
from intel.demo.generate import load_demo

log = logging.getLogger(__name__)

HOUR = time(9, 0)
EXPLAINED_DAYS = 10
QUARTER_DAYS = 91
RULE_OF = {"backlash": "negative_comments", "spam_wave": "spam_surge", "follower_drop": "follower_drop",
           "engagement_slump": "engagement_drop"}
SCOPED = {"follower_drop", "engagement_slump"}
GOAL = "recall 100 % within 1 day, ≤ 1 false alert per talent-quarter"


@dataclass(frozen=True)
class ReplayResult:
    """What the replay found."""

    events: int
    found: int
    latencies_days: list[int]
    missed: list[str]
    alerts: int
    false_alerts: list[str]
    talent_quarters: int
    max_false_per_talent_quarter: int
    computations: int
    seconds: float
    computation_ms: list[float]

    def as_dict(self) -> dict[str, Any]:
        """The figures for the bench's report."""
        return {"events": self.events, "found": self.found,
                "recall_pct": round(100 * self.found / self.events, 1) if self.events else None,
                "latency_days": dict(sorted(Counter(self.latencies_days).items())),
                "missed": self.missed, "alerts": self.alerts, "false_alerts": len(self.false_alerts),
                "false_examples": self.false_alerts[:10], "talent_quarters": self.talent_quarters,
                "max_false_per_talent_quarter": self.max_false_per_talent_quarter,
                "computations": self.computations, "seconds": round(self.seconds, 1),
                "ms_per_computation": round(1000 * self.seconds / max(1, self.computations), 1)}


def connected_talents(names: list[str] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """The demo talents with data (name, platforms), all or those named."""
    return [(t.name, t.platforms) for t in text.TALENTS if t.connected and (names is None or t.name in names)]


def run_replay(database_url: str, *, talents: list[str] | None = None, days: int = 365, seed: int = 7,
               events_seed: int = 18, today: date | None = None, settings: Settings | None = None,
               events: list[InjectedEvent] | None = None) -> ReplayResult:
    """Load the injected roster into `database_url` and replay the last `days` days of it (events: drawn by
    `schedule_events` from `events_seed`, unless given)."""
    today = today or datetime.now(UTC).date()
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        chosen = connected_talents(talents)
        events = events if events is not None else schedule_events(events_seed, chosen, today)
        first = today - timedelta(days=days - 1)
        summary = load_demo(engine, seed=seed, today=today, events=[e for e in events if e.start >= first])
        return replay(session_factory(engine), settings or get_settings(), [n for n, _ in chosen],
                      list(summary.events), first, today)
    finally:
        engine.dispose()


def replay(sessions: sessionmaker[Session], settings: Settings, names: list[str], events: list[PlacedEvent],
           first: date, last: date) -> ReplayResult:
    """Compute and evaluate each talent once a day from `first` to `last`, then match the alerts."""
    with sessions() as s:
        rows = s.execute(select(Talent.name, Talent.id).where(Talent.is_demo.is_(True), Talent.name.in_(names),
                                                              Talent.id.in_(select(SocialProfile.talent_id)))).all()
        ids = {name: talent_id for name, talent_id in rows}
    started, samples = timer.perf_counter(), []
    day = first
    while day <= last:
        now = datetime.combine(day, HOUR, UTC)
        for talent_id in ids.values():
            begun = timer.perf_counter()
            with sessions.begin() as session:
                intel = compute_for_talent(session, talent_id, now, default_timezone=settings.timezone)
                evaluate_talent(session, intel, now, settings)
            samples.append((timer.perf_counter() - begun) * 1000)
        day += timedelta(days=1)
    seconds = timer.perf_counter() - started
    with sessions() as s:
        alerts = s.execute(select(Alert.talent_id, Alert.rule, Alert.scope, Alert.raised_at, Alert.title)
                           .where(Alert.talent_id.in_(ids.values())).order_by(Alert.raised_at)).all()
    names_of = {v: k for k, v in ids.items()}
    return match_alerts(events, [(names_of[a.talent_id], a.rule, a.scope, a.raised_at, a.title) for a in alerts],
                        names, first, last, samples, seconds)


def match_alerts(events: list[PlacedEvent], alerts: list[tuple[str, str, str, datetime, str]], names: list[str],
                 first: date, last: date, samples: list[float], seconds: float) -> ReplayResult:
    """Each event's alerts (its rule, platform and time window), its latency, and every other alert as false."""
    explained: set[int] = set()
    latencies: list[int] = []
    missed: list[str] = []
    for event in events:
        mine = [i for i, (name, rule, scope, raised, _) in enumerate(alerts)
                if name == event.talent and rule == RULE_OF[event.kind]
                and (event.kind not in SCOPED or scope == event.platform)
                and event.start - timedelta(days=1) <= raised.date()
                <= event.detectable_on + timedelta(days=EXPLAINED_DAYS)]
        explained.update(mine)
        first_alert = min((alerts[i][3].date() for i in mine), default=None)
        late = None if first_alert is None else (first_alert - event.detectable_on).days
        if late is None or late > 1:
            missed.append(f"{event.talent} {event.kind} {event.platform} {event.detectable_on}"
                          f" ({'no alert' if late is None else f'{late} days late'})")
        else:
            latencies.append(late)
    false = [i for i in range(len(alerts)) if i not in explained]
    quarters = Counter((alerts[i][0], (alerts[i][3].date() - first).days // QUARTER_DAYS) for i in false)
    per_talent = -(-((last - first).days + 1) // QUARTER_DAYS)
    return ReplayResult(len(events), len(latencies), latencies, missed, len(alerts),
                        [f"{alerts[i][3]:%Y-%m-%d} {alerts[i][4]}" for i in false], per_talent * len(names),
                        max(quarters.values(), default=0), len(samples), seconds, samples)


def summary_line(result: ReplayResult) -> str:
    """One line for the log and the bench notes."""
    f = result.as_dict()
    return (f"alert replay: {f['found']}/{f['events']} injected events found within 1 day ({f['recall_pct']} %), "
            f"{f['false_alerts']} false alerts over {f['talent_quarters']} talent-quarters (max "
            f"{f['max_false_per_talent_quarter']} in one), {f['computations']} computations in {f['seconds']} s")
