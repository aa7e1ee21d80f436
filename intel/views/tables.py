"""Pure helpers that turn intel values into what pages display: tables, KPI cards, freshness text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from intel.analytics.result import ExtremeComment, Metric, PostRow, SocialIntelligence
from intel.analytics.roster import RosterRow
from intel.cache.provider import Served

UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Kpi:
    """One KPI card: label, formatted value, optional delta, and the sample behind it."""

    label: str
    value: str
    delta: str | None
    help: str


def ago(then: datetime, now: datetime) -> str:
    """'3 min ago'-style text."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def fmt_number(value: float | None) -> str:
    """1234567 → '1.23M'; None → 'unavailable'."""
    if value is None:
        return UNAVAILABLE
    for suffix, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.2f}{suffix}"
    return f"{value:,.0f}"


def fmt_metric(m: Metric | None, kind: str = "number") -> str:
    """A Metric as text: number, percent (value already in %), score (0–1) or points (0–100)."""
    if m is None or m.value is None:
        return UNAVAILABLE
    v = m.value
    return {"percent": f"{v:.2f}%", "score": f"{v:.2f}", "points": f"{v:.0f}/100"}.get(kind, fmt_number(v))


def sample(m: Metric | None) -> str:
    """The provenance line under a KPI."""
    if m is None or m.status == "unavailable":
        return "No data yet (unavailable, not zero)."
    return f"Based on n = {m.n} ({m.basis}); {m.status}."


def kpis(intel: SocialIntelligence) -> list[Kpi]:
    """The KPI row of the talent page."""
    o, s, c = intel.overview, intel.sentiment, intel.community
    g30 = next(g for g in o.total_growth if g.days == 30)
    growth_delta = None if g30.percent.value is None else f"{g30.percent.value:+.2f}% (30 d)"
    cards = [
        Kpi("Total followers", fmt_metric(o.total_followers), growth_delta, sample(o.total_followers)),
        Kpi("30-day growth", fmt_metric(g30.absolute), None, sample(g30.absolute)),
        Kpi("Sentiment 0–1" + (f" · {s.overall_label}" if s.overall_label else ""),
            fmt_metric(s.overall, "score"), None, sample(s.overall)),
        Kpi("Community health", fmt_metric(c.health.score, "points"), None, sample(c.health.score)),
    ]
    return cards


def engagement_kpis(intel: SocialIntelligence) -> list[Kpi]:
    """Engagement per platform (never one number across platforms), by followers and, for video, by views."""
    cards = []
    for platform, p in intel.overview.platforms.items():
        cards.append(Kpi(f"{platform.title()} engagement", fmt_metric(p.engagement_rate, "percent"), None,
                         sample(p.engagement_rate)))
        if p.engagement_rate_by_views is not None:
            cards.append(Kpi(f"{platform.title()} by views", fmt_metric(p.engagement_rate_by_views, "percent"),
                             None, sample(p.engagement_rate_by_views)))
    return cards


def freshness_text(served: Served, now: datetime | None = None) -> str:
    """'Data as of …, computed … ago, served from cache / freshly computed'."""
    now = now or datetime.now(UTC)
    fresh = served.intel.freshness
    as_of = fresh.newest_snapshot_on or (fresh.newest_post_at or "")[:10] or "no data yet"
    at = datetime.fromisoformat(served.intel.computed_at)
    computed = f"{at:%Y-%m-%d %H:%M:%S} UTC ({ago(at, now)})"
    how = {"cache": f"served from cache ({served.store})", "computed": "freshly computed",
           "stale": "served from a saved copy — the database is unreachable, figures may be out of date"}
    return f"Data as of {as_of}, computed {computed}, {how[served.source]}."


def roster_frame(rows: list[RosterRow]) -> pd.DataFrame:
    """The roster table (one row per talent; figures None until computed)."""
    return pd.DataFrame({
        "id": [r.talent_id for r in rows],
        "Talent": [r.name for r in rows],
        "Handle": [r.handle for r in rows],
        "Tier": [r.tier for r in rows],
        "Category": [r.category for r in rows],
        "Platforms": [", ".join(r.platforms) or "not connected" for r in rows],
        "Followers": pd.array([r.total_followers for r in rows], dtype="Int64"),
        "30-day growth %": pd.array([r.growth_30d_pct for r in rows], dtype="Float64"),
        "Engagement %": pd.array([r.engagement_rate for r in rows], dtype="Float64"),
        "Engagement on": [r.engagement_platform or "" for r in rows],
        "Sentiment": pd.array([r.sentiment for r in rows], dtype="Float64"),
        "Health": pd.array([r.health for r in rows], dtype="Float64"),
        "Freshness": [_freshness_badge(r) for r in rows],
        "Data": ["Demo" if r.is_demo else "Real" for r in rows],
    })


def _freshness_badge(row: RosterRow) -> str:
    if row.computed_at is None:
        return "not computed yet"
    return "stale" if row.is_stale else "fresh"


def filter_roster(frame: pd.DataFrame, query: str = "", platforms: list[str] | None = None,
                  tiers: list[str] | None = None) -> pd.DataFrame:
    """Rows whose name or handle contains `query` (case-insensitive) and that match the filters."""
    mask = pd.Series(True, index=frame.index)
    if query.strip():
        q = query.strip().lower()
        mask &= frame["Talent"].str.lower().str.contains(q, regex=False) | frame["Handle"].str.lower().str.contains(
            q, regex=False)
    if platforms:
        mask &= frame["Platforms"].apply(lambda text: any(p in text.split(", ") for p in platforms))
    if tiers:
        mask &= frame["Tier"].isin(tiers)
    return frame[mask]


def comments_frame(items: Sequence[ExtremeComment]) -> pd.DataFrame:
    """The most positive / negative comments as a table (text stays plain text)."""
    return pd.DataFrame({
        "Comment": [i.text for i in items],
        "Score": [i.sentiment_score for i in items],
        "Platform": [i.platform for i in items],
        "Post": [i.platform_post_id for i in items],
        "Date": [i.created_at[:10] for i in items],
    })


def posts_frame(items: Sequence[PostRow]) -> pd.DataFrame:
    """Top or bottom posts as a table."""
    return pd.DataFrame({
        "Platform": [i.platform for i in items],
        "Posted": [i.posted_at[:16].replace("T", " ") for i in items],
        "Type": [i.media_type for i in items],
        "Caption": [i.caption for i in items],
        "Engagement %": [i.engagement_rate for i in items],
        "Likes": [i.likes for i in items],
        "Comments": [i.comments for i in items],
        "Sponsored": [i.is_sponsored for i in items],
    })


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV where text cells starting with = + - @ are prefixed with ' (no spreadsheet formulas)."""
    safe = frame.map(lambda v: f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
    return safe.to_csv(index=False).encode("utf-8")
