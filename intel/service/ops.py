"""What the Ops page shows: cache health, refresh activity, the audit log, data freshness, and the Prometheus
figures `/metrics` serves (`metrics_panel`, read from the same collector).

Each function takes the acting `Identity` and requires the "ops" capability.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select

from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.db.models import AdminActivity, Talent, TalentSummary, utcnow
from intel.metrics import summary
from intel.metrics.families import PAGE_OUTCOMES, REFRESH_OUTCOMES
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary
from intel.service.operations import cache_stats
from intel.views.tables import safe_csv

ACTIVITY_LIMIT = 500
OUTCOMES = ("refreshed", "joined", "rate_limited", "failed")  # of "refresh" audit rows (queued ones have their own)


@dataclass(frozen=True)
class OpsOverview:
    """Headline cache figures."""

    store: str
    redis_status: str
    hit_rate: float | None
    hits: int
    misses: int
    errors: int
    compute_p50_ms: float | None
    compute_p95_ms: float | None


@database_boundary
def overview(identity: Identity | None) -> OpsOverview:
    """Cache store, Redis status and hit rate (shared counters when Redis is up, else this process)."""
    stats = cache_stats(identity)
    counters = stats.get("shared") or stats["process"]
    hits, misses = int(counters["hit"]), int(counters["miss"])
    status = {"closed": "up", "open": "down (circuit open)", "half_open": "probing"}.get(stats["circuit"] or "",
                                                                                       "embedded (no Redis)")
    if stats["circuit"] == "closed" and stats.get("shared") is None:
        status = "down"
    return OpsOverview(stats["store"], status, hits / (hits + misses) * 100 if hits + misses else None, hits,
                       misses, int(counters["error"]), counters["compute_p50_ms"], counters["compute_p95_ms"])


@database_boundary
def refresh_activity(identity: Identity | None, days: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Refresh outcomes per talent and per actor over the last `days` days."""
    require(identity, "ops")
    since = utcnow() - timedelta(days=days)
    with get_runtime().sessions() as session:
        rows = session.execute(
            select(AdminActivity.target, AdminActivity.actor, AdminActivity.details)
            .where(AdminActivity.action == "refresh", AdminActivity.at >= since)
        ).all()
    frame = pd.DataFrame([(t, a, _outcome(d)) for t, a, d in rows],
                         columns=["talent", "actor", "outcome"])
    return _pivot(frame, "talent"), _pivot(frame, "actor")


def _outcome(details: object) -> str:
    """The refresh outcome an audit row's details record ("unknown" for rows written without one)."""
    return str(details.get("outcome", "unknown")) if isinstance(details, dict) else "unknown"


def _pivot(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[by, *OUTCOMES])
    table = frame.groupby([by, "outcome"]).size().unstack("outcome", fill_value=0)
    for outcome in OUTCOMES:
        if outcome not in table:
            table[outcome] = 0
    return table[list(OUTCOMES)].sort_values("rate_limited", ascending=False).reset_index()


@database_boundary
def activity_log(identity: Identity | None, action: str | None = None, actor: str | None = None,
                 since: datetime | None = None) -> pd.DataFrame:
    """The newest audit rows (up to ACTIVITY_LIMIT), filtered by action, actor substring and time."""
    require(identity, "ops")
    query = select(AdminActivity).order_by(AdminActivity.at.desc(), AdminActivity.id.desc()).limit(ACTIVITY_LIMIT)
    if action:
        query = query.where(AdminActivity.action == action)
    if actor:
        query = query.where(AdminActivity.actor.contains(actor.strip().lower()))
    if since:
        query = query.where(AdminActivity.at >= since)
    with get_runtime().sessions() as session:
        rows = session.scalars(query).all()
        return pd.DataFrame({
            "at": [r.at.isoformat(timespec="seconds") for r in rows], "actor": [r.actor for r in rows],
            "action": [r.action for r in rows], "target": [r.target for r in rows],
            "details": [_details(r.details) for r in rows],
        })


def _details(details: dict[str, Any] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted((details or {}).items()))


@database_boundary
def actions(identity: Identity | None) -> list[str]:
    """Distinct audit actions, for the filter."""
    require(identity, "ops")
    with get_runtime().sessions() as session:
        return sorted(session.scalars(select(AdminActivity.action).distinct()))


@database_boundary
def freshness(identity: Identity | None) -> pd.DataFrame:
    """Data freshness per talent, stale and never-computed first."""
    require(identity, "ops")
    with get_runtime().sessions() as session:
        rows = session.execute(
            select(Talent.name, TalentSummary.newest_data_at, TalentSummary.computed_at, TalentSummary.is_stale)
            .outerjoin(TalentSummary, TalentSummary.talent_id == Talent.id)
        ).all()
    frame = pd.DataFrame(rows, columns=["talent", "newest data", "computed at", "stale"])
    frame["stale"] = frame["stale"].fillna(True).astype(bool)
    return frame.sort_values(["stale", "newest data"], ascending=[False, True], na_position="first",
                             ignore_index=True)


def activity_csv(frame: pd.DataFrame) -> bytes:
    """The activity log as spreadsheet-safe CSV."""
    return safe_csv(frame)


@dataclass(frozen=True)
class MetricsPanel:
    """The Prometheus figures, as `/metrics` would serve them now (`source`: whose processes they add up)."""

    source: str
    hits: int
    misses: int
    errors: int
    stale_served: int
    refreshes: dict[str, int]  # outcome -> count
    computations: int
    compute_p50_ms: float | None
    compute_p95_ms: float | None
    page_runs: pd.DataFrame  # page, runs, ok/stopped/rerun/error counts, p50 and p95 ms of the ok runs
    jobs: pd.DataFrame  # job, outcome, runs


def metrics_panel(identity: Identity | None) -> MetricsPanel:
    """The counters and histogram quantiles of intel.metrics, read from the collector the scrape reads."""
    require(identity, "ops")
    figures = summary.read()
    compute = figures.distribution("intel_compute_seconds")
    return MetricsPanel(
        figures.source, int(figures.total("intel_cache_hits_total")), int(figures.total("intel_cache_misses_total")),
        int(figures.total("intel_cache_errors_total")), int(figures.total("intel_cache_stale_served_total")),
        {o: int(figures.total("intel_refresh_total", outcome=o)) for o in REFRESH_OUTCOMES},
        int(compute.count) if compute else 0, _ms(compute, 0.5), _ms(compute, 0.95),
        _page_runs(figures), _jobs(figures))


def _ms(distribution: summary.Distribution | None, q: float) -> float | None:
    seconds = None if distribution is None else distribution.quantile(q)
    return None if seconds is None else seconds * 1000


def _page_runs(figures: summary.MetricsSummary) -> pd.DataFrame:
    rows = []
    for page in figures.label_values("intel_page_run_seconds", "page"):
        runs = figures.distribution("intel_page_run_seconds", page=page)
        by_outcome = {o: figures.distribution("intel_page_run_seconds", page=page, outcome=o) for o in PAGE_OUTCOMES}
        # Stopped and rerun runs end early by design: the quantiles are those of whole (ok) runs.
        rows.append({"page": page, "runs": int(runs.count) if runs else 0,
                     **{o: int(d.count) if d else 0 for o, d in by_outcome.items()},
                     "ok p50 ms": _ms(by_outcome["ok"], 0.5), "ok p95 ms": _ms(by_outcome["ok"], 0.95)})
    return pd.DataFrame(rows, columns=["page", "runs", *PAGE_OUTCOMES, "ok p50 ms", "ok p95 ms"])


def _jobs(figures: summary.MetricsSummary) -> pd.DataFrame:
    rows = [(dict(labels).get("job", ""), dict(labels).get("outcome", ""), int(value))
            for name, labels, value in figures.counters if name == "intel_jobs_total"]
    return pd.DataFrame(sorted(rows), columns=["job", "outcome", "runs"])
