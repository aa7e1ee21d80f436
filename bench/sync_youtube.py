"""A full YouTube sync against the local YouTube Data API: wall time, API calls, quota units, peak RSS.

The local server (bench.platforms.youtube) holds one channel with VIDEOS uploads and COMMENTS comments and
replies; a bench talent ("@bench_sync") is linked to it and synced once by `intel.connectors.sync` in a fresh
spawned process, whose peak resident memory (VmHWM) is the figure reported (the server runs in this one). The
goal: quota units within 5 % of the documented minimum for that data (`YouTubeServer.minimum_units`).
The talent is replaced before and deleted after, so use the bench database.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import Engine, delete

from bench.child import peak_rss_mb, run_child
from bench.platforms.youtube import YouTubeServer
from intel.db.engine import session_factory
from intel.db.models import Talent

log = logging.getLogger(__name__)

HANDLE = "@bench_sync"
SIZE = (500, 50_000)  # uploads, comments (the figure); the smoke test shrinks it
GOAL_OVER_MINIMUM_PCT = 5.0
TIMEOUT_S = 1_800
BENCH_DAILY_QUOTA = 10_000_000


def sync_figures(engine: Engine) -> dict[str, Any]:
    """Sync a SIZE channel from scratch in a subprocess; the figures (and whether the quota goal holds)."""
    from intel.connectors.profiles import link_profile

    videos, comments = SIZE
    started = time.perf_counter()
    with YouTubeServer(videos=videos, comments=comments, seed=15, handle="@benchsync") as api:
        generated_s = time.perf_counter() - started
        _drop_talent(engine)
        with session_factory(engine).begin() as session:
            talent = Talent(name="Bench sync talent", primary_handle=HANDLE, category="lifestyle", tier="macro")
            session.add(talent)
            session.flush()
            profile_id = link_profile(session, talent_id=talent.id, platform="youtube", account_id=api.channel_id,
                                      handle=api.handle, connected_by=None).id
        outcome = run_child(_child, engine.url.render_as_string(hide_password=False), profile_id, api.url, api.key,
                            timeout_s=TIMEOUT_S)
        minimum, served = api.minimum_units(), dict(api.calls)
    _drop_talent(engine)
    if "error" in outcome:
        raise RuntimeError(f"sync bench failed: {outcome['error']}")
    over = 100.0 * (outcome["quota_units"] - minimum) / minimum
    return {"videos": videos, "comments": comments, "generate_s": round(generated_s, 1),
            "database": engine.dialect.name, **outcome, "minimum_units": minimum,
            "units_over_minimum_pct": round(over, 2), "served_calls": served,
            "pass": outcome["status"] == "synced" and over <= GOAL_OVER_MINIMUM_PCT}


def _drop_talent(engine: Engine) -> None:
    """Delete the bench talent; its profile, posts, comments and sync rows follow by ON DELETE CASCADE."""
    with engine.begin() as conn:
        conn.execute(delete(Talent).where(Talent.primary_handle == HANDLE, Talent.is_demo.is_(False)))


def _child(url: str, profile_id: int, api_url: str, key: str, results: Any) -> None:
    """Subprocess body: one sync_profile of the bench profile; its report, wall time and peak RSS."""
    try:
        from intel.config import get_settings
        from intel.connectors.sync import sync_profile
        from intel.db.engine import make_engine

        engine = make_engine(url)
        base = get_settings({"DATABASE_URL": url, "REDIS_URL": ""})
        # Earlier bench runs of the day are in this database's quota ledger too: the limit must not stop this one.
        settings = base.replace(connectors=base.connectors.replace(youtube_api_key=key, youtube_api_url=api_url,
                                                                   youtube_daily_quota=BENCH_DAILY_QUOTA))
        started = time.perf_counter()
        report = sync_profile(engine, profile_id, settings)
        wall = time.perf_counter() - started
        engine.dispose()
        results.put({"status": report.status, "message": report.message, "wall_s": round(wall, 2),
                     "api_calls": report.api_calls, "quota_units": report.quota_units,
                     "posts_written": report.posts_written, "comments_written": report.comments_written,
                     "comments_per_s": round(report.comments_written / wall) if wall else None,
                     "peak_rss_mb": round(peak_rss_mb(), 1)})
    except Exception as exc:  # reported to the parent, which raises
        results.put({"error": repr(exc)})


if __name__ == "__main__":  # python -m bench.sync_youtube [URL]: prints the figures as JSON
    import json
    import sys

    from bench.seed import DEFAULT_DATABASE_URL, ensure_database

    logging.basicConfig(level=logging.INFO)
    logging.getLogger("intel.connectors.youtube").setLevel(logging.WARNING)
    figures = sync_figures(ensure_database(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DATABASE_URL))
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
