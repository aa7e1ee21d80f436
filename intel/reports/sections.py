"""The report's tables as rows of text, formatted exactly as the talent page formats them (`intel.views.tables`).

Every figure is shown with its sample ("n = 12") or as "unavailable" — never 0 for missing data. The follower
trend and the bar charts beside these tables are hand-drawn inline SVG (`trend`, `charts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from intel.analytics.result import Metric, SocialIntelligence, platform_label
from intel.reports.trend import TrendChart, trend_charts
from intel.views.tables import WEEKDAY_NAMES, Kind, Kpi, engagement_kpis, fmt_metric, fmt_value, kpis

Row = tuple[str, ...]
CAPTION_EXCERPT = 140


@dataclass(frozen=True)
class Sections:
    """Everything the template draws, as text."""

    headline: tuple[Kpi, ...]
    platforms: tuple[Row, ...]
    trends: tuple[TrendChart, ...]
    top_posts: tuple[Row, ...]
    media_types: tuple[Row, ...]
    sponsored: tuple[Row, ...]
    best_times: tuple[Row, ...]
    sentiment: tuple[Row, ...]
    community: tuple[Row, ...]
    health_components: tuple[Row, ...]
    methods: tuple[Row, ...]
    sources: tuple[Row, ...]


def n_of(m: Metric | None) -> str:
    """The sample behind a figure, as the report prints it next to it."""
    return "no data" if m is None or m.status == "unavailable" else f"n = {m.n:,}"


def cell(m: Metric | None, kind: Kind = "count") -> str:
    """A figure and its sample in one cell: '45.61% (n = 12)' or 'unavailable'."""
    value = fmt_metric(m, kind)
    return value if m is None or m.value is None else f"{value} (n = {m.n:,})"


def excerpt(text: str, limit: int = CAPTION_EXCERPT) -> str:
    """The caption's first `limit` characters, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def build(intel: SocialIntelligence) -> Sections:
    """The report's sections from the talent's intelligence."""
    return Sections(
        headline=tuple(kpis(intel) + engagement_kpis(intel)),
        platforms=_platforms(intel), trends=trend_charts(intel.follower_trend), top_posts=_top_posts(intel),
        media_types=_media_types(intel),
        sponsored=_sponsored(intel), best_times=_best_times(intel), sentiment=_sentiment(intel),
        community=_community(intel), health_components=_components(intel), methods=_methods(intel),
        sources=_sources(intel),
    )


def _platforms(intel: SocialIntelligence) -> tuple[Row, ...]:
    rows = []
    for platform, p in intel.overview.platforms.items():
        g30 = next((g for g in p.growth if g.days == 30), None)
        rows.append((platform_label(platform), cell(p.followers),
                     cell(g30.absolute if g30 else None), cell(g30.percent if g30 else None, "percent"),
                     cell(p.engagement_rate, "percent"),
                     cell(p.engagement_rate_by_views, "percent") if p.engagement_rate_by_views else "not reported",
                     cell(p.avg_views) if p.avg_views else "not reported"))
    return tuple(rows)


def _top_posts(intel: SocialIntelligence) -> tuple[Row, ...]:
    return tuple((platform_label(p.platform), p.posted_at[:10], p.media_type, excerpt(p.caption),
                  fmt_value(p.engagement_rate, "percent"), fmt_value(p.likes), fmt_value(p.comments),
                  "sponsored" if p.is_sponsored else "organic") for p in intel.content.top_posts)


def _media_types(intel: SocialIntelligence) -> tuple[Row, ...]:
    return tuple((platform_label(m.platform), m.media_type, cell(m.engagement_rate, "percent"))
                 for m in intel.content.by_media_type)


def _sponsored(intel: SocialIntelligence) -> tuple[Row, ...]:
    return tuple((platform_label(platform), cell(s.sponsored, "percent"), cell(s.organic, "percent"))
                 for platform, s in intel.content.sponsored_vs_organic.items())


def _best_times(intel: SocialIntelligence) -> tuple[Row, ...]:
    rows = []
    for platform, b in intel.content.best_time.items():
        best = (f"{WEEKDAY_NAMES[b.best.weekday % 7]} {b.best.hour:02d}:00 ({b.timezone}) — "
                f"{fmt_value(b.best.engagement_rate, 'percent')} (n = {b.best.posts})") if b.best else "unavailable"
        rows.append((platform_label(platform), best))
    return tuple(rows)


def _sentiment(intel: SocialIntelligence) -> tuple[Row, ...]:
    s = intel.sentiment
    return (("Overall (30% captions + 70% comments)", cell(s.overall, "score"), s.overall_label or "—"),
            ("Captions", cell(s.captions, "score"), ""), ("Audience comments", cell(s.comments, "score"), ""),
            ("Comments positive", cell(s.comment_shares.positive, "percent"), ""),
            ("Comments neutral", cell(s.comment_shares.neutral, "percent"), ""),
            ("Comments negative", cell(s.comment_shares.negative, "percent"), ""))


def _community(intel: SocialIntelligence) -> tuple[Row, ...]:
    c = intel.community
    rows: list[Row] = [("Community health", cell(c.health.score, "points")), ("Reply rate", cell(c.reply_rate,
                       "percent")), ("Spam comments", cell(c.spam_share, "percent")),
                       ("Emoji-only comments", cell(c.emoji_only_share, "percent")),
                       ("Generic comments", cell(c.generic_share, "percent"))]
    for platform, p in c.platforms.items():
        rows.append((f"{platform_label(platform)} comments per post", cell(p.conversation_per_post, "score")))
        rows.append((f"{platform_label(platform)} comment-to-like", cell(p.comment_to_like, "score")))
    return tuple(rows)


def _components(intel: SocialIntelligence) -> tuple[Row, ...]:
    return tuple((name.replace("_", " ").capitalize(),
                  fmt_value(comp.value, "points") if comp.available else "unavailable", f"{comp.weight:.0%}")
                 for name, comp in intel.community.health.components.items())


def _methods(intel: SocialIntelligence) -> tuple[Row, ...]:
    return tuple((name.replace("_", " "), text) for name, text in intel.methodology.items())


def _sources(intel: SocialIntelligence) -> tuple[Row, ...]:
    return tuple((platform_label(p.platform), p.handle, "connected" if p.connected else "disconnected",
                  (p.last_synced_at or "never")[:16].replace("T", " "), "demo (synthetic)" if intel.is_demo
                  else "imported / synced") for p in intel.connected)
