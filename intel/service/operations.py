"""Cache and data operations for the CLI and the Ops page: stats, clear, warm, demo reload, rescore,
comment aggregates (check, rebuild).

Each takes the acting `Identity` and requires the "ops" capability (the CLI acts as `auth.SYSTEM`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.cache.entries import cache_key, entries_prefix, generations_prefix
from intel.cache.store import Store, StoreUnavailable
from intel.db.engine import analyze
from intel.db.models import Talent
from intel.errors import IntelError
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarmReport:
    """What a warm run did."""

    computed: int
    already_cached: int
    failed: int


@database_boundary
def cache_stats(identity: Identity | None) -> dict[str, Any]:
    """Counters, compute-time percentiles and the state of the shared store."""
    require(identity, "ops")
    rt = get_runtime()
    breaker = rt.breaker
    return {
        "store": rt.store.name,
        "circuit": None if breaker is None else breaker.state,
        "ttl_s": {"real": rt.settings.cache_ttl_real, "demo": rt.settings.cache_ttl_demo},
        **rt.stats.snapshot(),
    }


@database_boundary
def cache_clear(identity: Identity | None, talent_id: int | None = None) -> int:
    """Delete one talent's entry, or every intelligence entry of this app; the number deleted."""
    require(identity, "ops")
    rt = get_runtime()
    if talent_id is not None:
        rt.provider.invalidate(talent_id)
        return 1
    prefix = rt.settings.cache_prefix
    deleted = _clear(rt.local, prefix) if rt.local is not rt.store else 0
    try:
        deleted += _clear(rt.store, prefix)
    except StoreUnavailable as exc:
        raise IntelError("Redis is unreachable; nothing was cleared there.") from exc
    log.info("cache cleared: %d entries", deleted)
    return deleted


def _clear(store: Store, prefix: str) -> int:
    """Delete the entries and, uncounted, the mirrored generations kept among them; the entries deleted."""
    store.delete_matching(generations_prefix(prefix))
    return store.delete_matching(entries_prefix(prefix))


@database_boundary
def talent_ids(identity: Identity | None) -> list[int]:
    """Every talent id, in id order."""
    require(identity, "ops")
    with get_runtime().sessions() as session:
        return list(session.scalars(select(Talent.id).order_by(Talent.id)))


@database_boundary
def cache_warm(identity: Identity | None, ids: Iterable[int], *, force: bool = False,
               progress: Callable[[int], None] = lambda _n: None) -> WarmReport:
    """Compute and cache each talent missing from the cache (all of them with `force`)."""
    require(identity, "ops")
    rt = get_runtime()
    computed = cached = failed = 0
    for talent_id in ids:
        try:
            if not force and rt.store.get(cache_key(talent_id, rt.settings.cache_prefix)) is not None:
                cached += 1
            else:
                rt.provider.get(talent_id, bypass_cache=True)
                computed += 1
        except (IntelError, StoreUnavailable) as exc:
            log.error("warm failed talent=%s: %s", talent_id, exc)
            failed += 1
        progress(1)
    return WarmReport(computed, cached, failed)


@database_boundary
def reload_demo(identity: Identity | None, seed: int) -> Any:
    """Replace the demo roster, drop stale cache entries of old and new demo talents, compute the new."""
    from intel.demo.generate import load_demo

    require(identity, "ops")
    rt = get_runtime()
    with rt.sessions() as session:
        old = set(session.scalars(select(Talent.id).where(Talent.is_demo)))
    summary = load_demo(rt.engine, seed=seed)
    analyze(rt.engine)
    rt.provider.invalidate(*(old | set(summary.talent_ids)))
    # Compute once so the roster has its figures (and a shared cache is warm) straight away.
    cache_warm(identity, summary.talent_ids, force=True)
    return summary


@database_boundary
def rescore_sentiment(identity: Identity | None, *, everything: bool = False,
                      progress: Callable[[int], None] = lambda _n: None) -> Any:
    """Re-score stale sentiment and drop the cached intelligence of the talents that changed."""
    from intel.text.rescore import rescore

    require(identity, "ops")
    rt = get_runtime()
    report = rescore(rt.engine, everything=everything, progress=progress)
    if report.talent_ids:
        rt.provider.invalidate(*report.talent_ids)
    return report


@database_boundary
def comment_aggregates(identity: Identity | None, *, rebuild: bool = False) -> Any:
    """Check the stored comment aggregates against a recount (`CheckReport`), or rebuild them (`RebuildReport`).

    A rebuild drops the cached intelligence of the talents whose aggregates had drifted: it was computed
    from them.
    """
    from intel.db import comment_days

    require(identity, "ops")
    rt = get_runtime()
    with rt.engine.begin() as conn:
        if not rebuild:
            return comment_days.CheckReport(comment_days.drift(conn))
        report = comment_days.rebuild(conn)
        talents = comment_days.talents_of(conn, report.drifted_posts)
    if talents:
        rt.provider.invalidate(*talents)
    analyze(rt.engine)
    return report
