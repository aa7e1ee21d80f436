"""The report's bar charts as inline SVG strings: what performs, audience sentiment, community-health components.

Small pure functions, like the follower trend (`trend`): vector in the PDF, nothing fetched, no library.
Every text that enters the SVG is escaped here (the template inserts the string as markup); the colours
are shades of the report's accent; each bar carries its figure and the n it rests on. A figure without
data is drawn as the words "unavailable" and why — never as a zero-length bar that reads as measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from intel.analytics.result import (
    Community,
    Content,
    HealthComponent,
    MediaTypeRate,
    Overview,
    Sentiment,
    SocialIntelligence,
    platform_label,
)
from intel.views.tables import fmt_value

WIDTH = 640  # CSS scales it to the column (max-width: 100%)
LABEL_W, BAR_W = 150, 250  # the label column, then the bar area; the figure and n follow the bar
ROW_H, BAR_H, TOP = 20, 12, 4
# the report's font stack (templates/media_kit.html.j2): labels in any script are drawn
FONTS = ("DejaVu Sans, Noto Sans, Noto Sans CJK JP, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans Devanagari, "
         "Noto Sans Thai, sans-serif")
HEALTH_N_UNITS = {"sentiment": "comments", "engagement": "posts", "conversation_quality": "comments",
                  "responsiveness": "comments"}


def unavailable(reason: str) -> str:
    """The words shown instead of a chart without data."""
    return f'<p class="unavailable">unavailable: {escape(reason)}</p>'


def shade(accent: str, towards: float, *, white: bool = True) -> str:
    """`accent` (#rrggbb) mixed with white (or black) by `towards` (0 = the accent, 1 = white or black)."""
    rgb = [int(accent[i:i + 2], 16) for i in (1, 3, 5)]
    end = 255 if white else 0
    return "#" + "".join(f"{round(c + (end - c) * towards):02x}" for c in rgb)


def _svg(rows: int, label: str, body: str, height: int | None = None) -> str:
    h = height if height is not None else TOP * 2 + rows * ROW_H
    return (f'<svg class="chart" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" role="img" '
            f'aria-label="{escape(label)}" font-family="{FONTS}" font-size="9">{body}</svg>')


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = "#222") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'


def hbars(title: str, rows: Sequence[tuple[str, float | None, str, str]], accent: str, scale_max: float | None = None,
          empty_reason: str = "no data") -> str:
    """Horizontal bars: rows of (label, value or None, figure text, n text); None → "unavailable", no bar.

    Bars are proportional to `scale_max` (default: the largest value); no row with a value → no chart.
    """
    values = [v for _, v, _, _ in rows if v is not None]
    if not values:
        return unavailable(empty_reason)
    top = scale_max if scale_max is not None else max(values)
    top = top if top > 0 else 1.0
    parts = []
    for i, (label, value, figure, n) in enumerate(rows):
        y = TOP + i * ROW_H
        mid = y + BAR_H - 2
        parts.append(_text(0, mid, label))
        if value is None:
            parts.append(_text(LABEL_W, mid, f"unavailable ({n})", fill="#777"))
            continue
        length = max(0.0, min(value, top)) / top * BAR_W
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{BAR_H}" fill="{accent}"/>')
        parts.append(_text(LABEL_W + length + 4, mid, f"{figure} ({n})"))
    return _svg(len(rows), title, "".join(parts))


def format_chart(content: Content, accent: str) -> str:
    """What performs: the median engagement rate per (platform, format), each bar with its n of posts."""
    rows = [_format_row(m) for m in content.by_media_type]
    return hbars("Median engagement by format", rows, accent,
                 empty_reason="no posts with an engagement rate in any format")


def _format_row(m: MediaTypeRate) -> tuple[str, float | None, str, str]:
    rate = m.engagement_rate
    n = "no posts" if rate.value is None else f"n = {rate.n:,} posts"
    return (f"{platform_label(m.platform)} {m.media_type}", rate.value, fmt_value(rate.value, "percent"), n)


def sentiment_chart(sentiment: Sentiment, accent: str) -> str:
    """Audience sentiment: one stacked bar of the positive / neutral / negative comment shares and their n."""
    shares = sentiment.comment_shares
    parts = (("positive", shares.positive, accent), ("neutral", shares.neutral, shade(accent, 0.6)),
             ("negative", shares.negative, shade(accent, 0.6, white=False)))
    if any(m.value is None for _, m, _ in parts):
        return unavailable("no scored audience comments")
    n = shares.positive.n
    total = sum(m.value or 0.0 for _, m, _ in parts) or 1.0
    x, body = 0.0, []
    for name, m, colour in parts:
        length = (m.value or 0.0) / total * WIDTH
        body.append(f'<rect x="{x:.1f}" y="0" width="{length:.1f}" height="18" fill="{colour}" stroke="#fff" '
                    f'stroke-width="0.5"><title>{escape(name)}</title></rect>')
        x += length
    legend = " · ".join(f"{name} {fmt_value(m.value, 'percent')}" for name, m, _ in parts)
    body.append(_text(0, 32, f"{legend} (n = {n:,} comments)"))
    for i, (name, _, colour) in enumerate(parts):  # a key: colour is not the only carrier, the words are
        body.append(f'<rect x="{i * 90}" y="40" width="8" height="8" fill="{colour}" stroke="#999" '
                    'stroke-width="0.5"/>')
        body.append(_text(i * 90 + 11, 47.5, name))
    return _svg(0, "Audience comment sentiment shares", "".join(body), height=52)


def health_chart(community: Community, sentiment: Sentiment, overview: Overview, accent: str) -> str:
    """Community health: each component's 0–100 score as a bar (weight and n beside it); unavailable → words.

    The n of each component is that of the figures it is computed from: scored audience comments (sentiment),
    the posts behind each platform's engagement rate (engagement), audience comments (the other two).
    """
    engagement = sum(p.engagement_rate.n for p in overview.platforms.values() if p.engagement_rate.value is not None)
    samples = {"sentiment": sentiment.comments.n, "engagement": engagement,
               "conversation_quality": community.spam_share.n, "responsiveness": community.reply_rate.n}
    rows = [_health_row(name, comp, samples[name]) for name, comp in community.health.components.items()]
    return hbars("Community health components (0–100)", rows, accent, scale_max=100.0,
                 empty_reason="no component of the health score has data")


def _health_row(name: str, comp: HealthComponent, n: int) -> tuple[str, float | None, str, str]:
    label = name.replace("_", " ").capitalize()
    if not comp.available or comp.value is None:
        return (label, None, "", f"no {HEALTH_N_UNITS[name]}")
    return (label, comp.value, f"{fmt_value(comp.value, 'points')}, weight {comp.weight:.0%}",
            f"n = {n:,} {HEALTH_N_UNITS[name]}")


@dataclass(frozen=True)
class Charts:
    """The report's bar charts, each an SVG string (or the "unavailable" words) ready to insert as markup."""

    formats: str
    sentiment: str
    health: str


def build_charts(intel: SocialIntelligence, accent: str) -> Charts:
    """Every bar chart of the report of `intel`, in the accent colour."""
    return Charts(formats=format_chart(intel.content, accent), sentiment=sentiment_chart(intel.sentiment, accent),
                  health=health_chart(intel.community, intel.sentiment, intel.overview, accent))
