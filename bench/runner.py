"""`python -m bench`: measure compute, cache hits, stampede, refresh race, Redis faults, the 1,000-talent
roster, the warm talent page, the talent page in Chromium beside a one-chart hello page (load, reload,
switch, roster click, server run, bytes, office link), import throughput, a full YouTube sync against the
local API server (bench.platforms.youtube), the media-kit report build (HTML and PDF, bench.report_build) and
a simulated day's hit rate, for real.

Runs against a dedicated PostgreSQL database (`intel_bench`, created and migrated when missing) and the
real Redis, under a key prefix unique to the run that is deleted at the end. Prints a Markdown table;
`--json FILE` writes every figure. A service that cannot be reached is named in one line and its
rows are reported as "not measured" (as are the import when `intel.ingest` cannot run it and the browser
rows without Playwright or Chromium).
`--only KEY,…` measures some rows only (keys: the ROWS below; `browser` means every browser row,
`report_build` both report rows).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bench import (
    alert_replay,
    browser,
    browser_report,
    browser_rows,
    campaigns,
    load,
    report_build,
    sentiment_speed,
    server_run,
    sim,
    sync_youtube,
)
from bench import seed as env
from intel.analytics.compute import compute_for_talent
from intel.cache.stats import percentile
from intel.config import Settings, get_settings
from intel.db.engine import session_factory
from intel.db.models import Comment, SocialPost, SocialProfile
from intel.runtime import build_runtime, close
from intel.text.sentiment import score_texts

log = logging.getLogger(__name__)

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
COLD_N = {"small": 20, "medium": 30, "large": 30}
SMALL_REPLAY_DAYS = 100  # the alert replay at small scale: one talent, these last days
NAIVE_N, HIT_N, FAULT_CALLS, ROSTER_N, PAGE_N = 3, 500, 50, 10, 10
STAMPEDE_PROCS, STAMPEDE_THREADS = 4, 5
REFRESH_PROCS, REFRESH_CALLS = 4, 50
NOT_MEASURED = "not measured"
QUIET_LOGGERS = ("intel.cache.provider", "intel.runtime", "intel.service.talents", "intel.analytics.summary",
                 "intel.ingest.importer", "intel.ingest.write", "intel.accounts.audit")
# key -> (label, goal text, goal on p95 in ms or None)
ROWS: dict[str, tuple[str, str, float | None]] = {
    "cold_compute": ("cold compute (PostgreSQL)", "p95 ≤ 150", 150.0),
    "naive_baseline": ("naive baseline (score every text + compute)", "—", None),
    "redis_hit": ("Redis hit (get + decode)", "p95 ≤ 2", 2.0),
    "embedded_hit": ("embedded hit (get + decode)", "—", None),
    "stampede": ("stampede: 20 cold requests, 4 proc × 5 thr", "1 computation", None),
    "refresh_race": ("refresh race: 50 calls, 4 proc", "1 refreshed", None),
    "redis_refused": ("Redis refused: added ms per call", "p95 ≤ 100", 100.0),
    "redis_hung": ("Redis hung: added ms per call", "p95 ≤ 100", 100.0),
    "roster_1000": ("roster with 1,000 talents (service.roster, manager)", "p95 ≤ 1000", 1000.0),
    "talent_page": ("warm talent page (AppTest run of app.py, ?talent=)", "p95 ≤ 300", 300.0),
    **browser_report.ROWS,
    "server_run_ws": (f"server: warm talent-page rerun, request → script_finished, no browser beside it "
                      f"(n = {server_run.RUNS})", "p95 ≤ 150", server_run.GOAL_P95_MS),
    "load_1_process": (f"{load.AGENTS} agents, 1 process: switch latency (think {load.THINK_S[0]:g}–"
                       f"{load.THINK_S[1]:g} s)", "0 errors, p95 ≤ 1500", load.GOAL_P95_S * 1000),
    "load_2_replicas": (f"{load.AGENTS} agents, 2 replicas behind HAProxy (sticky): switch latency",
                        "0 errors, p95 ≤ 1500", load.GOAL_P95_S * 1000),
    "saturation_1_process": (f"capacity: {load.AGENTS} agents switching at once (think {load.SATURATE_THINK_S[0]:g}–"
                             f"{load.SATURATE_THINK_S[1]:g} s), 1 process: runs/s", "—", None),
    "saturation_2_replicas": (f"capacity: {load.AGENTS} agents switching at once, 2 replicas behind HAProxy: runs/s",
                              "more runs/s than 1 process", None),
    "sentiment": ("scoring: language detection + sentiment, texts/s on one core (n = texts)", "≥ 3,000 texts/s",
                  None),
    "import": ("import comments: rows/s and peak RSS (n = rows)", "≥ 5,000 rows/s, RSS < 500 MB", None),
    "sync_youtube": (f"YouTube sync from scratch, {sync_youtube.SIZE[0]:,} videos + {sync_youtube.SIZE[1]:,} comments, "
                     "local API: wall s, calls, units, peak RSS", "units ≤ documented minimum + 5 %", None),
    "report_html": (f"media-kit report, HTML, bench talent: build_report, {report_build.HTML_N} warm builds after a "
                    "cold one, child process", "p95 ≤ 1000", report_build.GOAL_HTML_P95_S * 1000),
    "report_pdf": (f"media-kit report, PDF (WeasyPrint), bench talent: {report_build.PDF_N} warm builds after a cold "
                   "one, same child", "p95 ≤ 3000", report_build.GOAL_PDF_P95_S * 1000),
    "campaign_page": (f"campaign page server time: campaign_detail at {campaigns.CAMPAIGNS} campaigns × "
                      f"{campaigns.PER_CAMPAIGN} talents, manager, {campaigns.DETAIL_N} campaigns in turn", "p95 ≤ 300",
                      campaigns.GOAL_P95_MS),
    "alert_replay": ("alert rules vs injected events: a year of daily computations of the calm demo roster "
                     "(small scale: 1 talent, 100 days), SQLite", alert_replay.GOAL, None),
    "campaigns_list": (f"campaigns list server time: list_campaigns of all {campaigns.CAMPAIGNS}, manager", "—", None),
    "day_no_worker": (f"simulated day, {sim.DAY_TALENTS} talents, no worker: hit rate (n = views)", "—", None),
    "day_worker": (f"simulated day, {sim.DAY_TALENTS} talents, with worker: hit rate (n = views)", "> 99 % hits", None),
}
REPORT_ROWS = ("report_html", "report_pdf")
LOAD_RUNS = (("load_1_process", 1), ("load_2_replicas", 2), ("saturation_1_process", 1),
             ("saturation_2_replicas", 2))
IMPORT_GOAL_ROWS_S, IMPORT_GOAL_RSS_MB, DAY_GOAL_PCT = 5_000, 500, 99.0


def build_parser() -> argparse.ArgumentParser:
    """The `python -m bench` command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=tuple(env.SIZES), default="small", help="size of the bench talent")
    parser.add_argument("--json", metavar="FILE", default=None, help="also write every figure as JSON")
    parser.add_argument("--database-url", default=None, help=f"database (default {env.DEFAULT_DATABASE_URL})")
    parser.add_argument("--redis-url", default=None, help=f"Redis (default {DEFAULT_REDIS_URL})")
    parser.add_argument("--only", default=None, metavar="KEY,…",
                        help=f"measure only these rows ({', '.join(ROWS)}; browser = every browser row, "
                             "report_build = both report rows)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run `python -m bench` with `argv`; the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return run_cli(build_parser().parse_args(argv))


def run_cli(args: argparse.Namespace) -> int:
    """Run the bench, print the table, optionally write JSON; 0."""
    for noisy in QUIET_LOGGERS:  # one line per request otherwise; the bench logs its own progress
        logging.getLogger(noisy).setLevel(logging.WARNING)
    only = None if not args.only else [k.strip() for k in args.only.split(",") if k.strip()]
    report = run_bench(scale=args.scale, database_url=args.database_url, redis_url=args.redis_url, only=only)
    print(render(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2, default=str)
        print(f"\nJSON written to {args.json}")
    return 0


def expand_only(keys: list[str]) -> list[str]:
    """The row keys of `--only`, with `browser` standing for every browser row and `report_build` for both
    report rows."""
    groups = {"browser": list(browser_report.ROWS), "report_build": list(REPORT_ROWS)}
    return [expanded for k in keys for expanded in groups.get(k, [k])]


def run_bench(*, scale: str = "small", database_url: str | None = None, redis_url: str | None = None,
              only: list[str] | None = None) -> dict:
    """Seed (or reuse) the scale's talent, run every measurement (or `only` these rows), return all figures."""
    if scale not in env.SIZES:
        raise ValueError(f"scale must be one of {', '.join(env.SIZES)}, got {scale!r}")
    only = None if only is None else expand_only(only)
    unknown = sorted(set(only or ()) - set(ROWS))
    if unknown:
        raise ValueError(f"unknown rows {', '.join(unknown)}; choose from {', '.join(ROWS)}")
    db_url, redis_url = database_url or env.DEFAULT_DATABASE_URL, redis_url or DEFAULT_REDIS_URL
    report: dict[str, Any] = {
        "scale": scale, "database": make_url(db_url).render_as_string(hide_password=True), "redis": redis_url,
        "machine": {"python": platform.python_version(), "nproc": _nproc(), "postgresql": None, "redis": None,
                    "loadavg_1m_at_start": round(os.getloadavg()[0], 2)},
        "seed": None, "measurements": {key: _row(key, []) for key in ROWS}, "ratios": {}, "counts": {},
        "notes": [], "only": only,
    }
    pg_problem, redis_down = env.database_reachable(db_url), env.redis_problem(redis_url)
    if redis_down:
        report["notes"].append(f"Redis unreachable at {redis_url} ({redis_down}): Redis rows not measured.")
    else:
        report["machine"]["redis"] = env.redis_version(redis_url)
    if pg_problem:
        report["notes"].append(f"PostgreSQL unreachable ({pg_problem}): nothing measured.")
        return report
    engine = env.ensure_database(db_url)
    prefix = f"bench:{uuid.uuid4().hex[:10]}:"
    try:
        report["machine"]["postgresql"] = env.pg_version(engine)
        _measure_all(report, engine, db_url, None if redis_down else redis_url, prefix)
    finally:
        engine.dispose()
        if not redis_down:
            env.cleanup_prefix(redis_url, prefix)
    return report


def _measure_all(report: dict[str, Any], engine: Engine, db_url: str, redis_url: str | None, prefix: str) -> None:
    scale, rows, only = report["scale"], report["measurements"], report["only"]

    def want(*keys: str) -> bool:
        return only is None or any(k in only for k in keys)

    def measure(key: str, fn: Callable[[], dict[str, Any]], **guard: Any) -> None:
        if want(key):
            rows[key] = _guarded(report, key, fn, **guard)

    log.info("bench: seeding or reusing the %s talent", scale)
    seeded = env.seed_talent(engine, scale)
    talent = seeded.talent_id
    report["seed"] = {"talent_id": talent, "posts": seeded.size.posts, "comments": seeded.size.comments,
                      "snapshots": seeded.size.snapshots, "reused": seeded.reused, "seconds": round(seeded.seconds, 2)}
    sessions = session_factory(engine)
    now = seeded.anchor + timedelta(hours=1)
    log.info("bench: compute (cold, then naive baseline), cache hits, stampede and refresh race")
    measure("cold_compute", lambda: _row("cold_compute", _timed(lambda: _cold(sessions, talent, now),
                                                                COLD_N[scale], 3)))
    measure("naive_baseline", lambda: _row("naive_baseline", _timed(lambda: _naive(sessions, talent, now),
                                                                    NAIVE_N, 0)))
    local = _settings(db_url, None, prefix)
    measure("embedded_hit", lambda: _row("embedded_hit", _hits(local, talent)))
    if redis_url:
        shared = _settings(db_url, redis_url, prefix)
        measure("redis_hit", lambda: _row("redis_hit", _hits(shared, talent)))
        measure("stampede", lambda: _stampede(report, shared.replace(cache_prefix=prefix + "stampede:"), talent))
        measure("refresh_race", lambda: _refresh_race(report, shared.replace(cache_prefix=prefix + "refresh:"), talent))
    if want("redis_refused", "redis_hung"):
        log.info("bench: Redis refused and hung")
        reference = _reference(local, talent)
        refused = local.replace(redis_url=f"redis://127.0.0.1:{env.free_port()}/0")
        rows["redis_refused"] = _fault("redis_refused", refused, talent, reference)
        with env.HungRedis() as hung:
            rows["redis_hung"] = _fault("redis_hung", local.replace(redis_url=hung.url), talent, reference)
    if want("roster_1000", "talent_page"):
        log.info("bench: the %d-talent roster and the warm talent page", sim.ROSTER_TALENTS)
        roster_ids, reused = env.seed_small_talents(engine, "Bench roster", sim.ROSTER_TALENTS)
        report["seed"]["roster"] = {"talents": len(roster_ids), "reused": reused}
        measure("roster_1000", lambda: _row("roster_1000", *sim.roster_samples(db_url, ROSTER_N)))
        measure("talent_page", lambda: _row("talent_page", *sim.page_samples(db_url, redis_url, prefix, talent,
                                                                             PAGE_N)))
    browser_keys = [key for key in browser_report.ROWS if want(key)]
    if browser_keys:
        log.info("bench: the talent page and the hello page in Chromium (%s)", ", ".join(browser_keys))
        _browser(report, db_url, redis_url, prefix, browser_keys)
    measure("server_run_ws", lambda: _server_run(engine, db_url, redis_url, prefix), errors=(Exception,),
            result=NOT_MEASURED)
    for key, replicas in LOAD_RUNS:
        if want(key):
            log.info("bench: %s: %d concurrent agents on %d Streamlit process(es)", key, load.AGENTS, replicas)
        measure(key, lambda k=key, n=replicas: _load(k, engine, db_url, redis_url, prefix, n, rows),
                errors=(Exception,), result=NOT_MEASURED)  # a server or HAProxy that cannot start: named in a note
    if want("sentiment"):
        log.info("bench: scoring throughput (language detection + sentiment)")
    measure("sentiment", _sentiment, errors=(Exception,), result=NOT_MEASURED)
    log.info("bench: import, then a simulated day on %d talents without and with the worker", sim.DAY_TALENTS)
    measure("import", lambda: _import(engine, scale), errors=(Exception,), result=NOT_MEASURED)
    if want("sync_youtube"):
        log.info("bench: a full YouTube sync against the local API server")
    measure("sync_youtube", lambda: _sync_youtube(engine), errors=(Exception,), result=NOT_MEASURED)
    if want(*REPORT_ROWS):
        log.info("bench: the media-kit report of the %s talent, HTML and PDF, in a child process", scale)
        _guarded_report(report, db_url, talent)
    if want("campaign_page", "campaigns_list"):
        log.info("bench: campaign pages at %d campaigns × %d talents", campaigns.CAMPAIGNS, campaigns.PER_CAMPAIGN)
        _campaigns(report, engine, db_url)
    if want("day_no_worker", "day_worker"):
        _day(report, engine, db_url)
    if want("alert_replay"):
        log.info("bench: replaying the alert rules over injected demo events")
        report["measurements"]["alert_replay"] = _guarded(report, "alert_replay", lambda: _alert_replay(scale),
                                                          errors=(Exception,))
    report["ratios"] = _ratios(rows)


def _guarded(report: dict[str, Any], key: str, measure: Callable[[], dict[str, Any]],
             errors: tuple[type[Exception], ...] = (RuntimeError,), result: str = "FAIL (error)") -> dict[str, Any]:
    """A measurement whose failure becomes a row (`result`) and a note, not a crash of the whole bench."""
    try:
        return measure()
    except errors as exc:
        log.exception("bench %s failed", key)
        report["notes"].append(f"{ROWS[key][0]} failed: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
        return _row(key, [], result=result)


def _settings(db_url: str, redis_url: str | None, prefix: str) -> Settings:
    return get_settings({"DATABASE_URL": db_url, "REDIS_URL": redis_url or ""}).replace(cache_prefix=prefix)


# --- timing ---------------------------------------------------------------------------------------------------

def _timed(fn: Callable[[], object], n: int, warmup: int) -> list[float]:
    """Milliseconds of `n` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _row(key: str, samples: list[float], details: dict[str, Any] | None = None, *, result: str | None = None,
         **extra: Any) -> dict[str, Any]:
    """One table row: n, p50, p95, max and the verdict against the row's goal."""
    label, goal, limit = ROWS[key]
    p95 = percentile(samples, 95)
    if result is None:
        passed = p95 is not None and limit is not None and p95 <= limit
        result = NOT_MEASURED if not samples else "info" if limit is None else "PASS" if passed else "FAIL"
    return {"label": label, "n": len(samples), "p50_ms": _r(percentile(samples, 50)), "p95_ms": _r(p95),
            "max_ms": _r(max(samples) if samples else None), "goal": goal, "result": result, **(details or {}),
            **extra}


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


# --- compute --------------------------------------------------------------------------------------------------

def _cold(sessions: sessionmaker[Session], talent_id: int, now: datetime) -> None:
    """compute_for_talent in a fresh session, as the provider does on a miss."""
    with sessions() as session:
        compute_for_talent(session, talent_id, now)


def _naive(sessions: sessionmaker[Session], talent_id: int, now: datetime) -> None:
    """The original design: score every caption and comment on each request, then compute."""
    import intel.text.sentiment as sentiment

    memo = getattr(sentiment, "_polarity_cached", None)
    if memo is not None:
        memo.cache_clear()  # the original design scored from scratch: no memo carried over between requests
    with sessions() as session:
        posts = select(SocialPost.id).join(SocialProfile).where(SocialProfile.talent_id == talent_id)
        captions = session.scalars(select(SocialPost.caption).where(SocialPost.id.in_(posts))).all()
        comments = session.scalars(select(Comment.text).where(Comment.post_id.in_(posts))).all()
        score_texts([*captions, *comments])
        compute_for_talent(session, talent_id, now)


# --- cache hits and faults ------------------------------------------------------------------------------------

def _hits(settings: Settings, talent_id: int) -> list[float]:
    """provider.get with a warm entry, including decoding; raises if a call was not a hit."""
    runtime = build_runtime(settings)
    served: list[str] = []
    try:
        runtime.provider.get(talent_id)  # computes and writes the entry
        samples = _timed(lambda: served.append(runtime.provider.get(talent_id).source), HIT_N, 20)
    finally:
        close(runtime)
    if set(served) != {"cache"}:
        raise RuntimeError(f"expected cache hits only, got {sorted(set(served))}")
    return samples


def _series(settings: Settings, talent_id: int) -> list[float]:
    """FAULT_CALLS provider.get calls on a fresh runtime (the first computes, the rest hit), each in ms
    without the computation itself, so that compute-time noise does not hide what the store path adds."""
    runtime = build_runtime(settings)
    samples = []
    try:
        for _ in range(FAULT_CALLS):
            started = time.perf_counter()
            served = runtime.provider.get(talent_id)
            computed = served.compute_ms if served.source == "computed" else 0.0
            samples.append((time.perf_counter() - started) * 1000 - computed)
    finally:
        close(runtime)
    return samples


def _reference(settings: Settings, talent_id: int, runs: int = 3) -> list[float]:
    """The embedded-only series, call by call, median of `runs` fresh runtimes."""
    series = [_series(settings, talent_id) for _ in range(runs)]
    return [statistics.median(calls) for calls in zip(*series, strict=True)]


def _fault(key: str, settings: Settings, talent_id: int, reference: list[float]) -> dict[str, Any]:
    measured = _series(settings, talent_id)
    added = [m - r for m, r in zip(measured, reference, strict=True)]
    row = _row(key, added, first_call_overhead_ms=_r(measured[0]), reference_first_overhead_ms=_r(reference[0]))
    limit = ROWS[key][2] or 0.0
    if row["result"] == "PASS" and row["max_ms"] is not None and row["max_ms"] > limit:
        row["result"] = f"PASS at p95; max {row['max_ms']:.0f} ms > {limit:.0f}"
    return row


# --- across processes -----------------------------------------------------------------------------------------

def _stampede(report: dict[str, Any], settings: Settings, talent_id: int) -> dict[str, Any]:
    results = sim.in_processes("stampede", settings, talent_id, [STAMPEDE_THREADS] * STAMPEDE_PROCS)
    calls = [c for r in results for c in r["calls"]]
    with redis.Redis.from_url(settings.redis_url or "") as client:
        shared = int(client.get(f"{settings.cache_prefix}social_intel:stats:computed") or 0)  # type: ignore[arg-type]
    per_process = sum(r["computed"] for r in results)
    report["counts"]["stampede"] = {"requests": len(calls), "computations_shared_counter": shared,
                                    "computations_per_process_sum": per_process,
                                    "sources": dict(Counter(c[0] for c in calls))}
    return _row("stampede", [c[1] for c in calls], result="PASS" if shared == per_process == 1 else "FAIL",
                computations=shared)


def _refresh_race(report: dict[str, Any], settings: Settings, talent_id: int) -> dict[str, Any]:
    per_process = [REFRESH_CALLS // REFRESH_PROCS + (i < REFRESH_CALLS % REFRESH_PROCS) for i in range(REFRESH_PROCS)]
    calls = [c for r in sim.in_processes("refresh", settings, talent_id, per_process) for c in r["calls"]]
    outcomes = dict(Counter(c[0] for c in calls))
    limited = [c[1] for c in calls if c[0] == "rate_limited"]
    refreshed = [c[1] for c in calls if c[0] == "refreshed"]
    report["counts"]["refresh_race"] = {
        "calls": len(calls), "outcomes": outcomes, "refreshed_ms": [_r(v) for v in refreshed],
        "rate_limited_p50_ms": _r(percentile(limited, 50)), "rate_limited_p95_ms": _r(percentile(limited, 95))}
    # Calls made while the one refresh computes join it; later ones are limited (issue 15's refresh queue).
    others = outcomes.get("joined", 0) + outcomes.get("rate_limited", 0)
    ok = outcomes.get("refreshed") == 1 and others == len(calls) - 1
    return _row("refresh_race", [c[1] for c in calls], result="PASS" if ok else "FAIL",
                refreshed=outcomes.get("refreshed", 0))


# --- roster, page, browser, import and the simulated day (bench.sim, bench.browser) --------------------------

def _browser(report: dict[str, Any], db_url: str, redis_url: str | None, prefix: str, keys: list[str]) -> None:
    """The browser rows `keys` (bench.browser_rows, judged by bench.browser_report); a failure is a note."""
    load_before, started = os.getloadavg()[0], time.perf_counter()
    try:
        figures = browser_rows.browser_figures(db_url, redis_url, prefix, parts=browser_report.parts_for(keys))
    except browser.Unavailable as exc:  # no Playwright or Chromium: "not measured", and why
        report["notes"].append(f"browser rows not measured: {exc}")
        return
    except Exception as exc:  # a browser, a server or a page that misbehaves must not sink the other rows
        log.exception("bench browser rows failed")
        report["notes"].append(f"browser rows failed: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
        for key in keys:
            report["measurements"][key] = _row(key, [], result="FAIL (error)")
        return
    measured = browser_report.rows(figures)
    for key in keys:
        part = browser_report.PART_OF[key]
        if key in measured:
            report["measurements"][key] = measured[key]
        elif part in figures.get("errors", {}):
            report["measurements"][key] = _row(key, [], result="FAIL (error)")
    for part, message in figures.get("errors", {}).items():
        report["notes"].append(f"browser rows ({part}) failed: {message}")
    report["counts"]["browser"] = {
        "talent": figures["talent"], "charts": figures["charts"], "counts": figures["counts"],
        "seconds": {**figures["seconds"], "total": round(time.perf_counter() - started, 1)},
        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def _server_run(engine: Engine, db_url: str, redis_url: str | None, prefix: str) -> dict[str, Any]:
    """Warm reruns over the WebSocket protocol (bench.server_run), the hello page's beside them."""
    figures = server_run.server_run_figures(engine, db_url, redis_url, prefix + "run:")
    hello_p95 = percentile(figures["hello_ms"], 95)
    row = _row("server_run_ws", figures["talent_ms"], hello_p95_ms=_r(hello_p95), talent=figures["talent"])
    row["result"] += f" (hello page p95 {hello_p95:.0f} ms)"
    return row


def _load(key: str, engine: Engine, db_url: str, redis_url: str | None, prefix: str, replicas: int,
          rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Concurrent agents (bench.load) on 1 process or `replicas` behind HAProxy; a 2-replica row shows the gain
    over its 1-process row. The saturation rows' agents switch at once: their runs/s is the capacity."""
    saturate = key.startswith("saturation")
    figures = load.load_figures(engine, db_url, redis_url, prefix + "load:", replicas=replicas, agents=load.AGENTS,
                                duration_s=load.SATURATE_DURATION_S if saturate else load.DURATION_S,
                                think_s=load.SATURATE_THINK_S if saturate else load.THINK_S)
    single = rows["saturation_1_process" if saturate else "load_1_process"]
    baseline = single if replicas > 1 and single.get("switches") else None
    samples = figures.pop("switch_samples_ms")
    result = load.verdict(figures, baseline)
    if saturate:  # no latency goal here: agents that never think queue by construction
        result = "info" + result[result.index(":"):]
        if baseline:
            gain = figures["runs_per_s"] / baseline["runs_per_s"]
            result = f"{'PASS' if gain > 1 and figures['errors'] == 0 else 'FAIL'}: runs/s × {gain:.2f}; " + result
    return _row(key, samples, result=result, **figures)


def _sentiment() -> dict[str, Any]:
    figures = sentiment_speed.throughput_figures()
    comments, tweets = figures["comments_per_s"], figures["tweets_per_s"]
    ok = comments is not None and comments >= sentiment_speed.GOAL_TEXTS_S
    tweet_part = f"; UMSAB tweets {tweets:,.0f}/s" if tweets else ""
    return _row("sentiment", [], result=f"{'PASS' if ok else 'FAIL'}: unique comments {comments:,.0f}/s{tweet_part}",
                n=int(figures["comments"] or 0) + int(figures["tweets"] or 0), **figures)


def _import(engine: Engine, scale: str) -> dict[str, Any]:
    figures = sim.import_figures(engine, scale)
    rate, rss = figures["rows_per_s"], figures["peak_rss_mb"]
    ok = rate >= IMPORT_GOAL_ROWS_S and rss < IMPORT_GOAL_RSS_MB
    return _row("import", [], result=f"{'PASS' if ok else 'FAIL'}: {rate:,.0f} rows/s, peak RSS {rss:.0f} MB",
                n=figures["rows"], rows_per_s=rate, peak_rss_mb=rss,
                figures={k: v for k, v in figures.items() if k not in {"goal", "pass"}})


def _sync_youtube(engine: Engine) -> dict[str, Any]:
    f = sync_youtube.sync_figures(engine)
    result = (f"{'PASS' if f['pass'] else 'FAIL'}: {f['quota_units']:,} units (minimum {f['minimum_units']:,}, "
              f"+{f['units_over_minimum_pct']:.1f} %), {f['api_calls']:,} calls, {f['wall_s']:.1f} s, "
              f"peak RSS {f['peak_rss_mb']:.0f} MB")
    return _row("sync_youtube", [], result=result, n=f["comments_written"], figures=f)


def _guarded_report(report: dict[str, Any], db_url: str, talent_id: int) -> None:
    """Both report rows from one child process (bench.report_build); a failure makes both "FAIL (error)"."""
    try:
        f = report_build.report_figures(db_url, talent_id)
    except Exception as exc:  # WeasyPrint, Pango or a font that fails must not sink the other rows
        log.exception("bench report rows failed")
        report["notes"].append(f"report rows failed: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
        for key in REPORT_ROWS:
            report["measurements"][key] = _row(key, [], result="FAIL (error)")
        return
    rss = f"peak RSS {f['peak_rss_mb']:.0f} MB (after the HTML builds {f['peak_rss_mb_after_html']:.0f} MB)"
    for key, fmt in (("report_html", "html"), ("report_pdf", "pdf")):
        row = _row(key, f[f"{fmt}_ms"], cold_ms=f[f"cold_{fmt}_ms"], bytes=f[f"{fmt}_bytes"],
                   peak_rss_mb=f["peak_rss_mb"], peak_rss_mb_after_html=f["peak_rss_mb_after_html"])
        row["result"] += f" (cold {f[f'cold_{fmt}_ms'] / 1000:.2f} s; {rss})"
        report["measurements"][key] = row


def _campaigns(report: dict[str, Any], engine: Engine, db_url: str) -> None:
    ids, reused = campaigns.seed_campaigns(engine, datetime.now(UTC).date())
    report["seed"]["campaigns"] = {"campaigns": len(ids), "reused": reused}
    f = campaigns.page_figures(db_url, ids)
    extra = {k: f[k] for k in ("campaigns_listed", "posts_per_campaign", "talents_per_campaign")}
    report["measurements"]["campaign_page"] = _row("campaign_page", f["detail_ms"], **extra)
    report["measurements"]["campaigns_list"] = _row("campaigns_list", f["list_ms"], **extra)


def _alert_replay(scale: str) -> dict[str, Any]:
    """Recall and false alerts of the rules on injected events (its own SQLite file: the demo roster is
    replaced, and no other row's data is touched)."""
    import tempfile

    small = scale == "small"
    with tempfile.TemporaryDirectory() as folder:
        result = alert_replay.run_replay(f"sqlite:///{folder}/replay.db", talents=["Priya Nair"] if small else None,
                                         days=SMALL_REPLAY_DAYS if small else 365)
    f = result.as_dict()
    passed = result.found == result.events and result.max_false_per_talent_quarter <= 1
    row = _row("alert_replay", result.computation_ms, result=("PASS" if passed else "FAIL") + (
        f" (recall {f['recall_pct']} %: {f['found']}/{f['events']} within 1 day, latency days {f['latency_days']}; "
        f"{f['false_alerts']} false alerts over {f['talent_quarters']} talent-quarters, max "
        f"{f['max_false_per_talent_quarter']} in one; {f['computations']} computations, "
        f"{f['ms_per_computation']} ms each, computation and evaluation)"), **f)
    return row


def _day(report: dict[str, Any], engine: Engine, db_url: str) -> None:
    ids, _ = env.seed_small_talents(engine, "Bench day", sim.DAY_TALENTS, seed=4)
    settings, sessions = get_settings({"DATABASE_URL": db_url, "REDIS_URL": ""}), session_factory(engine)
    plan = sim.plan_day(ids, settings.cache_ttl_real)
    sim.seed_entries(sessions, settings, plan)
    for key, worker in (("day_no_worker", False), ("day_worker", True)):
        day = sim.simulate_day(sessions, settings, plan, worker=worker)
        rate = day["hit_rate_pct"]
        verdict = "info: " if not worker else "PASS: " if rate is not None and rate > DAY_GOAL_PCT else "FAIL: "
        report["measurements"][key] = _row(
            key, day.pop("samples"), **day,
            result=f"{verdict}{rate} % hits ({day['hits']:,} of {day['views']:,}), {day['computed']} computations")


# --- report ---------------------------------------------------------------------------------------------------

def _ratios(rows: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    cold = rows["cold_compute"]["p50_ms"]

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or not b else round(a / b, 1)

    return {"baseline_over_cold_p50": ratio(rows["naive_baseline"]["p50_ms"], cold),
            "cold_over_redis_hit_p50": ratio(cold, rows["redis_hit"]["p50_ms"]),
            "cold_over_embedded_hit_p50": ratio(cold, rows["embedded_hit"]["p50_ms"])}


def render(report: dict[str, Any]) -> str:
    """The report as a Markdown table plus ratios, counts, notes and the machine line."""
    lines = [*(f"> {note}" for note in report["notes"])]
    seed = report["seed"]
    if seed:
        lines.append(f"Bench talent ({report['scale']}): id {seed['talent_id']}, {seed['posts']} posts, "
                     f"{seed['comments']} comments, {seed['snapshots']} snapshots "
                     f"({'reused' if seed['reused'] else 'seeded'} in {seed['seconds']} s)\n")
    lines += ["| measurement | n | p50 ms | p95 ms | goal | result |", "|---|---:|---:|---:|---|---|"]
    for row in report["measurements"].values():
        lines.append(f"| {row['label']} | {row['n']} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | "
                     f"{row['goal']} | {row['result']} |")
    ratios = report["ratios"]
    if ratios:
        x = {k: "—" if v is None else f"{v}×" for k, v in ratios.items()}
        lines.append(f"\nRatios (p50): baseline ÷ cold = {x['baseline_over_cold_p50']}, cold ÷ Redis hit = "
                     f"{x['cold_over_redis_hit_p50']} (goal ≥ 50×), cold ÷ embedded hit = "
                     f"{x['cold_over_embedded_hit_p50']}")
    browser_ratios = browser_report.ratio_line(report["measurements"])
    if browser_ratios:
        lines.append(browser_ratios)
    for name, counts in report["counts"].items():
        lines.append(f"{name}: {json.dumps(counts, ensure_ascii=False)}")
    m = report["machine"]
    lines.append(f"\nMachine: Python {m['python']}, nproc {m['nproc']}, PostgreSQL {m['postgresql'] or '—'}, "
                 f"Redis {m['redis'] or '—'}, load average (1 min) at start {m['loadavg_1m_at_start']}")
    return "\n".join(lines)


def _nproc() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
