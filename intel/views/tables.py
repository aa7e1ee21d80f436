"""Pure helpers that turn intel values into what pages display: tables, KPI cards, freshness text.

One format per kind of number, the same in KPI cards and in every table: counts with thousands separators
("12,345", exact), percentages with two decimals ("45.61%"), scores 0–1 with two, health as "72/100".
Tables keep their numbers numeric and format them in the grid through `column_config` (the printf
strings in FORMATS), so sorting a column sorts numbers, not text ("9.5%" would sort after "45.61%" as a
string); a missing figure is shown as PLACEHOLDER, never None or 0. Platforms are named by
`platform_label` everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd

from intel.analytics.compare import RANKED
from intel.analytics.content import BEST_SLOT_MIN_POSTS
from intel.analytics.result import BestTime, ExtremeComment, Metric, PostRow, SocialIntelligence, platform_label
from intel.analytics.roster import RosterRow
from intel.cache.provider import Served

UNAVAILABLE = "unavailable"
PLACEHOLDER = "—"  # a table cell without a figure (st.dataframe's `placeholder`)
NO_DATA_TITLE = "No connected accounts or imported data yet"
NO_DATA_NEXT = (
    "Nothing is estimated for a real talent: its figures appear once data exists. An administrator imports "
    "an export of its accounts on the Import page, or with python -m intel import KIND FILE (formats in "
    "docs/import.md); connecting accounts directly becomes possible once connectors exist."
)

Kind = Literal["count", "percent", "score", "points", "percentile"]
# printf formats of Streamlit's NumberColumn (sprintf-js; "," = thousands separator), per kind of number.
FORMATS: Mapping[Kind, str] = {"count": "%,d", "percent": "%.2f%%", "score": "%.2f", "points": "%.0f/100",
                               "percentile": "%.0f"}


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


def fmt_value(value: float | None, kind: Kind = "count") -> str:
    """A number as the tables show it (FORMATS): 1234567 → '1,234,567', 45.6068 → '45.61%'; None → 'unavailable'."""
    if value is None or pd.isna(value):
        return UNAVAILABLE
    if kind == "count":
        return f"{int(value):,d}"  # %d truncates, as the grid's sprintf does
    return FORMATS[kind] % value


def fmt_number(value: float | None) -> str:
    """A count: 1234567 → '1,234,567'; None → 'unavailable'."""
    return fmt_value(value, "count")


def fmt_metric(m: Metric | None, kind: Kind = "count") -> str:
    """A Metric as text: count, percent (value already in %), score (0–1) or points (0–100)."""
    if m is None or m.value is None:
        return UNAVAILABLE
    return fmt_value(m.value, kind)


def sample(m: Metric | None) -> str:
    """The provenance line under a KPI."""
    if m is None or m.status == "unavailable":
        return "No data yet (unavailable, not zero)."
    return f"Based on n = {m.n} ({m.basis}); {m.status}."


def kpis(intel: SocialIntelligence) -> list[Kpi]:
    """The KPI row of the talent page; growth over 30 days, or over the period of a windowed intelligence."""
    o, s, c = intel.overview, intel.sentiment, intel.community
    growth = next((g for g in o.total_growth if g.days == 30), None) or o.total_growth[0]
    growth_delta = None if growth.percent.value is None else f"{growth.percent.value:+.2f}% ({growth.days} d)"
    cards = [
        Kpi("Total followers", fmt_metric(o.total_followers), growth_delta, sample(o.total_followers)),
        Kpi(f"{growth.days}-day growth", fmt_metric(growth.absolute), None, sample(growth.absolute)),
        Kpi("Sentiment 0–1" + (f" · {s.overall_label}" if s.overall_label else ""),
            fmt_metric(s.overall, "score"), None, sample(s.overall)),
        Kpi("Community health", fmt_metric(c.health.score, "points"), None, sample(c.health.score)),
    ]
    return cards


def engagement_kpis(intel: SocialIntelligence) -> list[Kpi]:
    """Engagement per platform (never one number across platforms), by followers and, for video, by views."""
    cards = []
    for platform, p in intel.overview.platforms.items():
        cards.append(Kpi(f"{platform_label(platform)} engagement", fmt_metric(p.engagement_rate, "percent"), None,
                         sample(p.engagement_rate)))
        if p.engagement_rate_by_views is not None:
            cards.append(Kpi(f"{platform_label(platform)} by views", fmt_metric(p.engagement_rate_by_views, "percent"),
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
    """The roster table: one row per talent, its state next to the name; figures NA (shown as PLACEHOLDER)
    until computed, and for a talent without data."""
    def figure(row: RosterRow, value: float | None) -> float | None:
        return value if row.has_data else None

    return pd.DataFrame({
        "id": [r.talent_id for r in rows],
        "Talent": [r.name for r in rows],
        "Status": [r.state for r in rows],
        "Handle": [r.handle for r in rows],
        "Tier": [r.tier for r in rows],
        "Category": [r.category for r in rows],
        "Platforms": [platforms_text(r.platforms, r.needs_reconnect) for r in rows],
        "Followers": pd.array([figure(r, r.total_followers) for r in rows], dtype="Int64"),
        "30-day growth %": pd.array([figure(r, r.growth_30d_pct) for r in rows], dtype="Float64"),
        "Engagement %": pd.array([figure(r, r.engagement_rate) for r in rows], dtype="Float64"),
        "Engagement on": [platform_label(r.engagement_platform) if r.engagement_platform and r.has_data
                          else PLACEHOLDER for r in rows],
        "Sentiment": pd.array([figure(r, r.sentiment) for r in rows], dtype="Float64"),
        "Health": pd.array([figure(r, r.health) for r in rows], dtype="Float64"),
        "Data": ["Demo" if r.is_demo else "Real" for r in rows],
    })


RECONNECT_MARK = " (needs reconnecting)"


def platforms_text(platforms: Sequence[str], needs_reconnect: Sequence[str] = ()) -> str:
    """Connected platforms as the roster lists them ("Instagram (needs reconnecting), TikTok"), or "not
    connected"."""
    return ", ".join(platform_label(p) + (RECONNECT_MARK if p in needs_reconnect else "")
                     for p in platforms) or "not connected"


def filter_roster(frame: pd.DataFrame, query: str = "", platforms: list[str] | None = None,
                  tiers: list[str] | None = None) -> pd.DataFrame:
    """Rows whose name or handle contains `query` (case-insensitive) and that match the filters
    (`platforms` as stored, e.g. "tiktok")."""
    mask = pd.Series(True, index=frame.index)
    if query.strip():
        q = query.strip().lower()
        mask &= frame["Talent"].str.lower().str.contains(q, regex=False) | frame["Handle"].str.lower().str.contains(
            q, regex=False)
    if platforms:
        wanted = {platform_label(p) for p in platforms}
        mask &= frame["Platforms"].apply(
            lambda text: bool(wanted & {part.removesuffix(RECONNECT_MARK) for part in text.split(", ")}))
    if tiers:
        mask &= frame["Tier"].isin(tiers)
    return frame[mask]


def comments_frame(items: Sequence[ExtremeComment]) -> pd.DataFrame:
    """The most positive / negative comments as a table (text stays plain text)."""
    return pd.DataFrame({
        "Comment": [i.text for i in items],
        "Score": [i.sentiment_score for i in items],
        "Platform": [platform_label(i.platform) for i in items],
        "Post": [i.platform_post_id for i in items],
        "Date": [i.created_at[:10] for i in items],
    })


def posts_frame(items: Sequence[PostRow]) -> pd.DataFrame:
    """Top or bottom posts as a table."""
    return pd.DataFrame({
        "Platform": [platform_label(i.platform) for i in items],
        "Posted": [i.posted_at[:16].replace("T", " ") for i in items],
        "Type": [i.media_type for i in items],
        "Caption": [i.caption for i in items],
        "Engagement %": [i.engagement_rate for i in items],
        "Likes": [i.likes for i in items],
        "Comments": [i.comments for i in items],
        "Sponsored": [i.is_sponsored for i in items],
    })


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def best_time_frame(section: BestTime | None) -> pd.DataFrame:
    """Every weekday × hour cell with posts (local time of the section's zone): its posts, mean rate, and which
    one is the best (only a cell with at least BEST_SLOT_MIN_POSTS posts can be)."""
    cells = section.cells if section is not None else ()
    best = section.best if section is not None else None
    return pd.DataFrame({
        "Weekday": [WEEKDAY_NAMES[c.weekday % 7] for c in cells],
        "Hour": [f"{c.hour:02d}:00" for c in cells],
        "Posts": [c.posts for c in cells],
        "Engagement %": [c.engagement_rate for c in cells],
        "Best": [c == best for c in cells],
    })


def number_column(kind: Kind, *, help: str | None = None) -> dict[str, Any]:
    """A Streamlit NumberColumn config (the dict `st.column_config.NumberColumn` builds) in the kind's format."""
    return {"help": help, "type_config": {"type": "number", "format": FORMATS[kind]}}


def progress_column(kind: Kind, max_value: float) -> dict[str, Any]:
    """A Streamlit ProgressColumn config from 0 to `max_value`, labelled in the kind's format."""
    return {"type_config": {"type": "progress", "format": FORMATS[kind], "min_value": 0.0, "max_value": max_value}}


ROSTER_COLUMNS: Mapping[str, dict[str, Any]] = {
    "Followers": number_column("count"),
    "30-day growth %": number_column("percent"),
    "Engagement %": number_column("percent", help="Engagement rate of the talent's largest platform (named)"),
    "Sentiment": progress_column("score", 1.0),
    "Health": progress_column("points", 100.0),
}
POST_COLUMNS: Mapping[str, dict[str, Any]] = {
    "Engagement %": number_column("percent"), "Likes": number_column("count"), "Comments": number_column("count"),
}
COMMENT_COLUMNS: Mapping[str, dict[str, Any]] = {"Score": number_column("score")}
BEST_TIME_COLUMNS: Mapping[str, dict[str, Any]] = {
    "Posts": number_column("count", help="Posts published in this hour of this weekday (local time)"),
    "Engagement %": number_column("percent", help="Mean engagement rate of those posts"),
    "Best": {"help": f"The best slot: highest mean rate among cells with at least {BEST_SLOT_MIN_POSTS} posts"},
}
_COMPARE_KINDS: Mapping[str, Kind] = {"total_followers": "count", "growth_30d_pct": "percent", "sentiment": "score",
                                      "health": "points"}


def compare_columns(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Column configs of the comparison table: each figure in its kind's format, percentiles, engagement in %."""
    configs: dict[str, dict[str, Any]] = {}
    for key, column in RANKED.items():
        configs[column] = number_column(_COMPARE_KINDS[key])
        configs[f"{column} percentile"] = number_column("percentile", help="Percentile within the roster's talents "
                                                                          "with data")
    configs |= {c: number_column("percent") for c in frame.columns if str(c).startswith("Engagement %")}
    return configs


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV where text cells starting with = + - @ are prefixed with ' (no spreadsheet formulas)."""
    safe = frame.map(lambda v: f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
    return safe.to_csv(index=False).encode("utf-8")


def connections_frame(rows: Sequence[Any]) -> pd.DataFrame:
    """The Ops page's connections table (rows: `intel.service.syncs.ConnectionRow`), those needing attention first."""
    ordered = sorted(rows, key=lambda r: (r.status == "connected", r.last_status == "synced", r.talent))
    return pd.DataFrame({
        "Talent": [r.talent for r in ordered],
        "Platform": [platform_label(r.platform) for r in ordered],
        "Handle": [r.handle for r in ordered],
        "Connection": ["needs reconnecting" if r.status == "needs_reconnect" else r.status for r in ordered],
        "Last sync": [r.last_status or "never" for r in ordered],
        "Finished": [r.last_finished_at for r in ordered],
        "Next": [r.next_sync_at for r in ordered],
        "Failures in a row": [r.failures for r in ordered],
        "Message": [r.status_reason or r.last_message or "" for r in ordered],
    })
