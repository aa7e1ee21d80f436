"""The engagement-drop rule alone against injected slumps, over several seeds (how `intel.alerts.engagement` was
chosen): `python -m bench.engagement_seeds [--seeds 7:18,11:29,…]`.

One seed pair of `bench.alert_replay` is one draw of the posts' noise and of the events' dates; the engagement
rule, the noisiest, needs several to be judged. For each pair, the injected roster is loaded into a scratch
SQLite file, each connected profile's posts are read once, and the rule runs in memory on each day of the year
at 09:00 UTC over the posts settled by then, with the evaluation's episodes (`intel.alerts.evaluate`: one
alert while a condition lasts, a return within `REOPEN_QUIET` resumes it, a higher level re-alerts). Alerts
are matched to the slumps as in `bench.alert_replay`. The other rules do not run: the false alerts here are
the engagement rule's only.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from bench.alert_replay import HOUR, connected_talents, match_alerts
from intel.alerts.db_rules import SETTLE
from intel.alerts.engagement import LOOKBACK_DAYS, PostInteractions, engagement_finding
from intel.alerts.evaluate import REOPEN_QUIET
from intel.config import RuleThresholds
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.db.models import SocialPost, SocialProfile, Talent
from intel.demo.events import schedule_events
from intel.demo.generate import load_demo

log = logging.getLogger(__name__)

SEEDS = ((7, 18), (11, 29), (23, 5), (3, 41), (13, 2), (31, 17), (42, 8))
Alert = tuple[str, str, str, datetime, str]


@dataclass
class _Episode:
    open: bool = False
    level: int = 0
    cleared: datetime | None = None


def run_seed(seed: int, events_seed: int, today: date, folder: str) -> dict[str, Any]:
    """Load one injected roster and replay the engagement rule over its year; the matched figures."""
    engine = make_engine(f"sqlite:///{folder}/seeds-{seed}-{events_seed}.db")
    try:
        upgrade(engine)
        chosen = connected_talents()
        first = today - timedelta(days=364)
        events = [e for e in schedule_events(events_seed, chosen, today) if e.start >= first]
        placed = load_demo(engine, seed=seed, today=today, events=events).events
        posts = profile_posts(engine)
    finally:
        engine.dispose()
    alerts = [a for (name, platform), series in sorted(posts.items())
              for a in replay_profile(name, platform, series, first, today)]
    slumps = [e for e in placed if e.kind == "engagement_slump"]
    result = match_alerts(list(slumps), alerts, [n for n, _ in chosen], first, today, [], 0.0)
    return {"seeds": [seed, events_seed], "slumps": result.events, "found": result.found, "missed": result.missed,
            "false_alerts": len(result.false_alerts), "max_false_per_talent_quarter":
            result.max_false_per_talent_quarter, "talent_quarters": result.talent_quarters}


def run(seeds: tuple[tuple[int, int], ...] = SEEDS, today: date | None = None) -> dict[str, Any]:
    """Every seed pair's figures and their totals."""
    today = today or datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as folder:
        rows = [run_seed(s, e, today, folder) for s, e in seeds]
    totals = {k: sum(r[k] for r in rows) for k in ("slumps", "found", "false_alerts", "talent_quarters")}
    return {"today": today.isoformat(), "rows": rows, **totals,
            "max_false_per_talent_quarter": max((r["max_false_per_talent_quarter"] for r in rows), default=0)}


def profile_posts(engine: Engine) -> dict[tuple[str, str], list[PostInteractions]]:
    """Every demo profile's posts, oldest first."""
    query = (select(Talent.name, SocialProfile.platform, SocialPost.posted_at, SocialPost.media_type,
                    SocialPost.likes + SocialPost.comments + SocialPost.shares + SocialPost.saves)
             .join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
             .join(Talent, Talent.id == SocialProfile.talent_id)
             .where(Talent.is_demo.is_(True)).order_by(SocialPost.posted_at, SocialPost.id))
    posts: dict[tuple[str, str], list[PostInteractions]] = defaultdict(list)
    with engine.connect() as conn:
        for name, platform, posted_at, media, interactions in conn.execute(query):
            posts[(name, platform)].append(PostInteractions(_aware(posted_at), media or "", float(interactions)))
    return posts


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # a Core read of SQLite gives naive UTC


def replay_profile(name: str, platform: str, posts: list[PostInteractions], first: date, last: date) -> list[Alert]:
    """The alerts the rule raises on one profile, day by day, with the evaluation's episodes."""
    alerts: list[Alert] = []
    episode = _Episode()
    limits = RuleThresholds()
    day = first
    while day <= last:
        now = datetime.combine(day, HOUR, UTC)
        settled = now - SETTLE
        seen = [p for p in posts if settled - timedelta(days=LOOKBACK_DAYS) < p.posted_at <= settled]
        found = engagement_finding(name, platform, seen, settled, limits)
        if found and _advance(episode, found[0].level, now):
            alerts.append((name, "engagement_drop", platform, now, found[0].title))
        elif not found and episode.open:
            episode.open, episode.cleared = False, now
        day += timedelta(days=1)
    return alerts


def _advance(episode: _Episode, level: int, now: datetime) -> bool:
    """`intel.alerts.evaluate._advance` on a condition held in memory: True when an alert is raised."""
    if not episode.open and episode.cleared is not None and now - episode.cleared < REOPEN_QUIET:
        episode.open = True  # resumed: alerted again only if worse
    elif not episode.open:
        episode.open, episode.level, episode.cleared = True, level, None
        return True
    if level > episode.level:
        episode.level = level
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.engagement_seeds", description=__doc__)
    parser.add_argument("--seeds", default=",".join(f"{s}:{e}" for s, e in SEEDS),
                        help="demo seed:events seed pairs, comma-separated")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the replay's last day")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    seeds = tuple((int(s), int(e)) for s, e in (pair.split(":") for pair in args.seeds.split(",")))
    log.info("engagement rule over %d seed pairs", len(seeds))
    print(json.dumps(run(seeds, args.today), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
