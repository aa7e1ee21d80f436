"""What the Ops page shows: cache health, refresh activity, the audit log and data freshness.

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
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary
from intel.service.operations import cache_stats
from intel.views.tables import safe_csv

ACTIVITY_LIMIT = 500


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
        return pd.DataFrame(columns=[by, "refreshed", "rate_limited", "failed"])
    table = frame.groupby([by, "outcome"]).size().unstack("outcome", fill_value=0)
    for outcome in ("refreshed", "rate_limited", "failed"):
        if outcome not in table:
            table[outcome] = 0
    return table[["refreshed", "rate_limited", "failed"]].sort_values("rate_limited", ascending=False).reset_index()


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

