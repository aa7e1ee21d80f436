"""Per-talent Plotly figures, built by pure functions from a SocialIntelligence value.

Every function returns a `go.Figure` and never raises on missing data: an empty or unavailable
section yields `no_data_figure`. Every user-supplied string (captions, names, handles, platform and
media-type values read from the data) goes through `escape_text` before it reaches any figure text,
because Plotly renders a subset of HTML (`<b>`, `<br>`, `<a href>` …) in labels, hovers and titles.
Comparison figures across talents live in `intel.charts_compare`, which builds on the helpers here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from intel.analytics.result import FollowerEvent, Metric, PostRow, SocialIntelligence, TimeSlot
from intel.analytics.result import platform_label as display_name

NO_DATA = "No data yet"
HEIGHT = 360
TEMPLATE = "plotly_white"
EXCERPT_CHARS = 40
FALLBACK_COLOR = "#7F7F7F"
MARGIN: Mapping[str, int] = {"l": 64, "r": 16, "t": 72, "b": 48}  # room for tick labels and one axis title
LABEL_CHAR_PX = 7  # width of one character of a 12 px tick label, generously
PLATFORM_COLORS: Mapping[str, str] = {"instagram": "#C13584", "tiktok": "#111111", "youtube": "#FF0000"}
SENTIMENT_SHARES = (("positive", "Positive", "#2CA02C"), ("neutral", "Neutral", "#A6A6A6"),
                    ("negative", "Negative", "#D62728"))
SCORE_COLOR = "#1F3A93"
KIND_COLORS: Mapping[str, str] = {"sponsored": "#F2A900", "organic": "#4C78A8"}
SERIES_COLORS = ("#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756", "#72B7B2", "#EECA3B", "#9D755D",
                 "#FF9DA6", "#BAB0AC")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Flagged follower days on the follower chart: an estimate, said in the legend and in every hover.
EVENT_MARKERS: Mapping[str, tuple[str, str, str]] = {
    "spike": ("Possible bought followers (estimate)", "triangle-up", "#F2A900"),
    "purge": ("Possible purge (estimate)", "triangle-down", "#D62728"),
}
EVENT_HOVER: Mapping[str, str] = {"spike": "possible bought followers (estimate)", "purge": "possible purge (estimate)"}
HEALTH_LABELS: Mapping[str, str] = {"sentiment": "Sentiment", "engagement": "Engagement",
                                    "conversation_quality": "Conversation quality", "responsiveness": "Responsiveness"}


# ---------------------------------------------------------------- shared helpers


def new_figure(data: object = None) -> go.Figure:
    """An empty or one-trace figure in the house template."""
    _use_house_template()
    return go.Figure(data)


def new_subplots(**kwargs: object) -> go.Figure:
    """`make_subplots(**kwargs)` in the house template."""
    _use_house_template()
    return make_subplots(**kwargs)


def _use_house_template() -> None:
    # Plotly applies its default template to a new figure without validating it again (~1.5 ms a figure),
    # while `update_layout(template=...)` validates and copies it (~10 ms a figure). The default is a
    # process-wide global that Streamlit also sets when its plotly module is imported (to "streamlit"),
    # so it is set again before every figure instead of once at import, where import order would decide.
    if pio.templates.default != TEMPLATE:
        pio.templates.default = TEMPLATE


def escape_text(value: object) -> str:
    """User text made inert for Plotly: HTML-escaped, with `&quot;` as `&#34;` (Plotly decodes numeric entities)."""
    return html.escape(str(value)).replace("&quot;", "&#34;")


def excerpt(text: object, limit: int = EXCERPT_CHARS) -> str:
    """The text on one line, at most `limit` characters (an ellipsis marks a cut); not escaped."""
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def platform_color(platform: str) -> str:
    """The platform's colour, the same in every figure."""
    return PLATFORM_COLORS.get(platform, FALLBACK_COLOR)


def platform_label(platform: str) -> str:
    """The platform's display name (`intel.analytics.result.platform_label`), escaped for Plotly."""
    return escape_text(display_name(platform))


def series_color(index: int) -> str:
    """The colour of the index-th series (talent, media type) in a figure."""
    return SERIES_COLORS[index % len(SERIES_COLORS)]


def apply_layout(fig: go.Figure, title: str, *, time_series: bool = False, automargin: bool = False,
                 **margin: int) -> go.Figure:
    """The house layout: plotly_white (the default template), fixed margins (`l=…` etc. override MARGIN),
    legend on top, fixed height.

    Axis automargin makes Plotly measure the tick labels and draw the figure a second time: ~40 % of a
    talent page's drawing in the browser. So the per-talent figures get margins sized for their labels, and
    only figures whose labels cannot be known in advance (talent names in comparisons) ask for automargin.
    """
    fig.update_layout(
        height=HEIGHT,
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 15}},
        margin={**MARGIN, **margin},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "title": {"text": ""}},
        hovermode="x unified" if time_series else "closest",
    )
    if automargin:
        fig.update_xaxes(automargin=True)
        fig.update_yaxes(automargin=True)
    return fig


def no_data_figure(title: str = "", message: str = NO_DATA) -> go.Figure:
    """An empty figure with a centred message (the title and message are trusted text)."""
    fig = new_figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16, "color": "#888888"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return apply_layout(fig, title, l=10, r=10, b=10)


def metric_value(item: Metric | None) -> float | None:
    """The value of a Metric, None when it is missing or unavailable."""
    if item is None or item.status == "unavailable":
        return None
    return item.value


def percent_axis(fig: go.Figure, title: str, axis: str = "y") -> None:
    """Label an axis as a percentage axis (values are already in percent)."""
    fig.update_layout({f"{axis}axis": {"title": {"text": title}, "ticksuffix": "%", "rangemode": "tozero"}})


# ---------------------------------------------------------------- per-talent figures


def follower_trend_figure(intel: SocialIntelligence) -> go.Figure:
    """Followers over time, one line per platform."""
    title = "Followers"
    fig = new_figure()
    for platform, points in sorted(intel.follower_trend.items()):
        if not points:
            continue
        fig.add_trace(go.Scatter(
            x=[day for day, _ in points], y=[int(value) for _, value in points], mode="lines",
            name=platform_label(platform), line={"color": platform_color(platform), "width": 2},
            hovertemplate="%{fullData.name}: %{y:,.0f}<extra></extra>",
        ))
    if not fig.data:
        return no_data_figure(title)
    for trace in _event_traces(intel):
        fig.add_trace(trace)
    fig.update_yaxes(title_text="Followers", tickformat="~s")
    return apply_layout(fig, title, time_series=True)


def event_hover(event: FollowerEvent) -> str:
    """`possible bought followers (estimate): +27,204 (+8.18%), z=84.0 · Instagram` (program text only)."""
    return (f"{EVENT_HOVER[event.kind]}: {event.change:+,d} ({event.percent:+.2f}%), z={event.z:.1f}"
            f" · {platform_label(event.platform)}")


def _event_traces(intel: SocialIntelligence) -> list[go.Scatter]:
    """One marker trace per kind of flagged day, each marker on its platform's line."""
    traces = []
    for kind, (name, symbol, color) in EVENT_MARKERS.items():
        events = [e for e in intel.audience.events if e.kind == kind]
        points = [(e, dict(intel.follower_trend.get(e.platform, ())).get(e.day)) for e in events]
        shown = [(e, y) for e, y in points if y is not None]
        if shown:
            traces.append(go.Scatter(
                x=[e.day for e, _ in shown], y=[y for _, y in shown], mode="markers", name=name,
                marker={"symbol": symbol, "size": 12, "color": color, "line": {"width": 1, "color": "#333333"}},
                customdata=[event_hover(e) for e, _ in shown], hovertemplate="%{customdata}<extra></extra>",
            ))
    return traces


def sentiment_trend_figure(intel: SocialIntelligence) -> go.Figure:
    """Weekly comment-sentiment shares (stacked bars, %) and mean comment score (line, 0–1, right axis)."""
    title = "Weekly comment sentiment"
    weeks = [w for w in intel.sentiment.weekly if w.comments]
    if not weeks:
        return no_data_figure(title)
    fig = new_subplots(specs=[[{"secondary_y": True}]])
    x = [w.week for w in weeks]
    for key, label, color in SENTIMENT_SHARES:
        fig.add_trace(go.Bar(x=x, y=[getattr(w, f"{key}_share") for w in weeks], name=label, marker_color=color,
                             hovertemplate="%{fullData.name}: %{y:.1f}%<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=x, y=[w.comment_score for w in weeks], name="Mean comment score", mode="lines+markers",
        line={"color": SCORE_COLOR, "width": 2}, customdata=[w.comments for w in weeks],
        hovertemplate="%{fullData.name}: %{y:.2f} (%{customdata:,} comments)<extra></extra>",
    ), secondary_y=True)
    fig.update_layout(barmode="stack", bargap=0.15, legend_traceorder="normal")
    fig.update_yaxes(title_text="Share of comments", ticksuffix="%", range=[0, 100], secondary_y=False)
    fig.update_yaxes(title_text="Mean score (0–1)", range=[0, 1], showgrid=False, secondary_y=True)
    return apply_layout(fig, title, time_series=True, r=64)


def _post_label(rank: int, post: PostRow) -> str:
    """`1. Instagram · 2026-07-07` over the caption excerpt, escaped; the rank keeps labels unique."""
    caption = excerpt(post.caption) or "(no caption)"
    return f"{rank}. {platform_label(post.platform)} · {escape_text(post.posted_at[:10])}<br>{escape_text(caption)}"


def top_posts_figure(intel: SocialIntelligence) -> go.Figure:
    """The top posts' engagement rate (%), horizontal bars labelled platform · date · caption excerpt."""
    title = "Top posts by engagement rate"
    posts = intel.content.top_posts
    if not posts:
        return no_data_figure(title)
    labels = [_post_label(i, p) for i, p in enumerate(posts, start=1)]
    fig = new_figure(go.Bar(
        x=[p.engagement_rate for p in posts], y=labels, orientation="h", name="Engagement rate",
        marker_color=[platform_color(p.platform) for p in posts],
        customdata=[[escape_text(p.media_type), p.likes, p.comments, "sponsored" if p.is_sponsored else "organic"]
                    for p in posts],
        texttemplate="%{x:.2f}%", textposition="auto",
        hovertemplate=("%{x:.2f}% engagement<br>%{customdata[0]} · %{customdata[3]}<br>"
                       "%{customdata[1]:,} likes · %{customdata[2]:,} comments<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed")
    percent_axis(fig, "Engagement rate", "x")
    longest = max(len(line) for label in labels for line in html.unescape(label).split("<br>"))
    apply_layout(fig, title, l=min(360, 16 + LABEL_CHAR_PX * longest))
    fig.update_layout(showlegend=False)
    return fig


def _grouped_bar(x: list[str], y: list[float | None], n: list[int], name: str, color: str) -> go.Bar:
    """One series of a grouped percentage bar chart, with the sample size in the hover."""
    return go.Bar(x=x, y=y, name=name, marker_color=color, customdata=n,
                  hovertemplate="%{x} · %{fullData.name}: %{y:.2f}% (%{customdata} posts)<extra></extra>")


def media_type_figure(intel: SocialIntelligence) -> go.Figure:
    """Median engagement rate (%) by media type, grouped per platform."""
    title = "Median engagement rate by media type"
    rows = [r for r in intel.content.by_media_type if metric_value(r.engagement_rate) is not None]
    if not rows:
        return no_data_figure(title)
    platforms = sorted({r.platform for r in rows})
    fig = new_figure()
    for i, media in enumerate(sorted({r.media_type for r in rows})):
        found = {r.platform: r.engagement_rate for r in rows if r.media_type == media}
        present = [p for p in platforms if p in found]
        fig.add_trace(_grouped_bar([platform_label(p) for p in present],
                                   [metric_value(found[p]) for p in present],
                                   [found[p].n for p in present],
                                   escape_text(media.replace("_", " ").capitalize()), series_color(i)))
    fig.update_layout(barmode="group")
    percent_axis(fig, "Median engagement rate")
    return apply_layout(fig, title)


def sponsored_figure(intel: SocialIntelligence) -> go.Figure:
    """Sponsored vs organic median engagement rate (%) per platform."""
    title = "Sponsored vs organic engagement"
    section = intel.content.sponsored_vs_organic
    platforms = sorted(p for p, split in section.items()
                       if any(metric_value(getattr(split, k)) is not None for k in KIND_COLORS))
    if not platforms:
        return no_data_figure(title)
    fig = new_figure()
    for kind, color in KIND_COLORS.items():
        metrics: list[Metric] = [getattr(section[p], kind) for p in platforms]
        fig.add_trace(_grouped_bar([platform_label(p) for p in platforms], [metric_value(m) for m in metrics],
                                   [m.n for m in metrics], kind.capitalize(), color))
    fig.update_layout(barmode="group")
    percent_axis(fig, "Median engagement rate")
    return apply_layout(fig, title)


def _heat_grid(cells: Iterable[TimeSlot]) -> tuple[list[list[float | None]], list[list[int | None]]]:
    """Weekday × hour grids of mean engagement and post counts; cells without posts stay None."""
    rates: list[list[float | None]] = [[None] * 24 for _ in WEEKDAYS]
    counts: list[list[int | None]] = [[None] * 24 for _ in WEEKDAYS]
    for cell in cells:
        if 0 <= cell.weekday < 7 and 0 <= cell.hour < 24:
            rates[cell.weekday][cell.hour], counts[cell.weekday][cell.hour] = cell.engagement_rate, cell.posts
    return rates, counts


def _best_slot(best: TimeSlot | None, timezone: str) -> str:
    """`best: Tue 16:00 UTC (1.70%, 3 posts)`, or an empty string."""
    if best is None:
        return ""
    return (f" · best: {WEEKDAYS[best.weekday % 7]} {best.hour:02d}:00 {timezone} "
            f"({best.engagement_rate:.2f}%, {best.posts} posts)")


def best_time_figure(intel: SocialIntelligence, platform: str) -> go.Figure:
    """Weekday × hour heatmap of mean engagement rate (%) for one platform; hover shows the post count."""
    title = f"Best time to post · {platform_label(platform)}"
    section = intel.content.best_time.get(platform)
    if section is None:
        return no_data_figure(title)
    timezone = escape_text(section.timezone)
    rates, counts = _heat_grid(section.cells)
    if all(v is None for row in rates for v in row):
        return no_data_figure(title)
    fig = new_figure(go.Heatmap(
        z=rates, x=list(range(24)), y=list(WEEKDAYS), customdata=counts, hoverongaps=False, colorscale="Viridis",
        colorbar={"title": {"text": "Eng. rate"}, "ticksuffix": "%", "thickness": 12},
        hovertemplate="%{y} %{x}:00<br>Mean engagement: %{z:.2f}%<br>Posts: %{customdata}<extra></extra>",
    ))
    fig.update_xaxes(title_text=f"Hour of posting ({timezone})", dtick=2, range=[-0.5, 23.5])
    fig.update_yaxes(autorange="reversed")
    return apply_layout(fig, title + _best_slot(section.best, timezone), l=48)


def _health_color(value: float | None) -> str:
    """Red below 40, amber below 70, green otherwise."""
    if value is None:
        return FALLBACK_COLOR
    return "#D62728" if value < 40 else "#F2A900" if value < 70 else "#2CA02C"


def health_figure(intel: SocialIntelligence) -> go.Figure:
    """The community-health components (0–100) as bars, weights in the labels, the score in the title."""
    title = "Community health"
    health = intel.community.health
    score = metric_value(health.score)
    if score is None:
        return no_data_figure(title)
    labels, values = [], []
    for key, comp in health.components.items():
        value = comp.value if comp.available else None
        suffix = "" if value is not None else " · no data"
        labels.append(f"{HEALTH_LABELS.get(key) or escape_text(key)}<br>weight {comp.weight:.0%}{suffix}")
        values.append(value)
    fig = new_figure(go.Bar(
        x=labels, y=values, name="Component", marker_color=[_health_color(v) for v in values],
        texttemplate="%{y:.0f}", textposition="outside", hovertemplate="%{y:.1f} / 100<extra></extra>",
    ))
    fig.update_yaxes(title_text="Score (0–100)", range=[0, 110])
    apply_layout(fig, f"{title}: {score:.1f} / 100", b=100)  # two-line labels, slanted in a half-width column
    fig.update_layout(showlegend=False)
    return fig
