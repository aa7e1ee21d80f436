"""What the campaign pages draw: the list's table, a campaign's KPIs, deliverables checklist, posts table, and
its charts (cumulative views and interactions, lift per post, comment sentiment against the baseline).

Rows come from `intel.service.campaigns` (duck-typed here: views never import the service layer).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from intel.analytics.result import Metric, platform_label
from intel.views.charts import apply_layout, escape_text, excerpt, new_figure, no_data_figure, series_color
from intel.views.tables import UNAVAILABLE, Kpi, fmt_metric, fmt_value, sample

STATE_LABELS = {"done": "Done", "due": "Due", "overdue": "Overdue"}


def campaigns_frame(rows: Sequence[Any]) -> pd.DataFrame:
    """The campaigns list (rows: CampaignRow), in the service's order (overdue first)."""
    return pd.DataFrame({
        "Brand": [r.brand for r in rows],
        "Campaign": [r.name for r in rows],
        "Status": [r.status.capitalize() for r in rows],
        "Starts": [r.starts_on for r in rows],
        "Ends": [r.ends_on for r in rows],
        "Talents": [", ".join(r.talents) for r in rows],
        "Owner": [r.owner or "—" for r in rows],
        "Overdue": [r.counts.overdue for r in rows],
        "Due": [r.counts.due for r in rows],
        "Done": [r.counts.done for r in rows],
    })


def lift_text(m: Metric | None) -> str:
    """A lift as '×1.42' (a ratio to the baseline median); 'unavailable' without one."""
    return UNAVAILABLE if m is None or m.value is None else f"×{m.value:.2f}"


def money_text(m: Metric, currency: str) -> str:
    """An amount with its currency, two decimals; 'unavailable' without one."""
    return UNAVAILABLE if m.value is None else f"{m.value:,.2f} {currency}"


def campaign_kpis(detail: Any) -> list[Kpi]:
    """The campaign page's KPI row: deliverables, reach, lift, costs and the media value estimate."""
    f, t = detail.figures, detail.figures.totals
    counts = f.deliverable_counts
    done_help = (f"{counts.done} done, {counts.due} still due, {counts.overdue} overdue of {counts.total} "
                 "deliverables (due dates are days in the agency's time zone).")
    return [
        Kpi("Deliverables done", f"{counts.done} of {counts.total}" if counts.total else UNAVAILABLE,
            f"{counts.overdue} overdue" if counts.overdue else None, done_help),
        Kpi("Views", fmt_metric(t.views), None, sample(t.views)),
        Kpi("Interactions", fmt_metric(t.interactions), None, sample(t.interactions)),
        Kpi("Engagement rate", fmt_metric(t.rate, "percent"), None, sample(t.rate)),
        Kpi("Views lift", lift_text(t.views_lift), None, sample(t.views_lift)),
        Kpi("Cost per engagement", money_text(t.cost_per_engagement, detail.currency), None,
            sample(t.cost_per_engagement)),
        Kpi("Cost per 1,000 views", money_text(t.cost_per_mille, detail.currency), None, sample(t.cost_per_mille)),
        Kpi("Comments naming the brand", fmt_metric(f.mentions.count), None, sample(f.mentions.count)),
        Kpi("Media value (estimate)", money_text(t.media_value, detail.emv_currency), None,
            sample(t.media_value) if t.media_value.value is not None
            else "Unavailable: set INTEL_EMV_RATES to estimate media value (never a made-up rate)."),
    ]


def deliverables_frame(detail: Any) -> pd.DataFrame:
    """The deliverables checklist: whose, what, due when, how far, overdue or late."""
    names = {t.talent_id: t.name for t in detail.talents}
    rows = detail.figures.deliverables
    return pd.DataFrame({
        "Talent": [names.get(s.spec.talent_id, "—") for s in rows],
        "Platform": [platform_label(s.spec.platform) for s in rows],
        "Format": [s.spec.media_type for s in rows],
        "Due": [s.spec.due_on for s in rows],
        "Delivered": [f"{s.delivered} of {s.spec.count}" for s in rows],
        "State": [STATE_LABELS[s.state] + (" (late)" if s.late else "")
                  + (f" · {s.days_overdue} d" if s.days_overdue else "") for s in rows],
    })


def posts_frame(detail: Any) -> pd.DataFrame:
    """Attributed and excluded posts with their figures and lifts (excluded posts have no figures)."""
    names = {t.talent_id: t.name for t in detail.talents}
    figures = {p.post_id: p for p in detail.figures.posts}
    rows = []
    for post in detail.posts:
        fig = figures.get(post.post_id)
        rows.append({
            "Posted": post.posted_at, "Talent": names.get(post.talent_id, "—"),
            "Platform": platform_label(post.platform), "Format": post.media_type, "Caption": excerpt(post.caption, 80),
            "How": ("excluded by hand" if post.excluded else "included by hand" if post.how == "manual"
                    else "tracking rule"),
            "Views": fmt_metric(fig.views) if fig else "—",
            "Interactions": fmt_metric(fig.interactions) if fig else "—",
            "Engagement": fmt_metric(fig.rate, "percent") if fig else "—",
            "Views lift": lift_text(fig.views_lift) if fig else "—",
            "Interactions lift": lift_text(fig.interactions_lift) if fig else "—",
            "post_id": post.post_id,
        })
    return pd.DataFrame(rows, columns=["Posted", "Talent", "Platform", "Format", "Caption", "How", "Views",
                                       "Interactions", "Engagement", "Views lift", "Interactions lift", "post_id"])


def cumulative_figure(detail: Any) -> go.Figure:
    """Cumulative views and interactions of the campaign's posts by posting day."""
    title = "Cumulative views and interactions"
    posts = {p.post_id: p for p in detail.posts if not p.excluded}
    points = sorted((posts[f.post_id].posted_at, f) for f in detail.figures.posts if f.post_id in posts)
    if not points:
        return no_data_figure(title, "No attributed posts yet")
    days = [at for at, _ in points]
    fig = new_figure()
    for i, (name, values) in enumerate((
            ("Interactions", [f.interactions.value or 0 for _, f in points]),
            ("Views (posts with a view count)", [f.views.value or 0 for _, f in points]))):
        fig.add_trace(go.Scatter(x=days, y=pd.Series(values).cumsum(), name=name, mode="lines+markers",
                                 line={"shape": "hv", "color": series_color(i)}))
    return apply_layout(fig, title, time_series=True)


def lift_figure(detail: Any) -> go.Figure:
    """Views and interactions lift per post (×, 1 = the talent's organic median), unavailable lifts left out."""
    title = "Lift per post against the organic baseline"
    posts = {p.post_id: p for p in detail.posts}
    rows = [f for f in detail.figures.posts if f.interactions_lift.value is not None or f.views_lift.value is not None]
    if not rows:
        return no_data_figure(title, "Lift unavailable: no post has a baseline of 3 organic posts")
    labels = [escape_text(f"{posts[f.post_id].posted_at:%d %b} · {excerpt(posts[f.post_id].caption, 24)}")
              for f in rows]
    fig = new_figure()
    for i, (name, key) in enumerate((("Views lift", "views_lift"), ("Interactions lift", "interactions_lift"))):
        metrics = [getattr(f, key) for f in rows]
        fig.add_trace(go.Bar(x=labels, y=[m.value for m in metrics], name=name, marker_color=series_color(i),
                             customdata=[m.n for m in metrics],
                             hovertemplate="%{y:.2f}× the median of %{customdata} organic posts<extra></extra>"))
    fig.add_hline(y=1, line_dash="dot", annotation_text="organic median", annotation_position="top left")
    fig.update_layout(barmode="group", yaxis={"title": {"text": "× organic median"}, "rangemode": "tozero"})
    return apply_layout(fig, title, automargin=True)


def sentiment_figure(detail: Any) -> go.Figure:
    """Negative share of comments on the campaign's posts against the talent's organic baseline."""
    title = "Negative comments: campaign posts vs organic baseline"
    s = detail.figures.sentiment
    bars = [("Campaign posts", s.campaign_negative), ("Organic baseline", s.baseline_negative)]
    if all(m.value is None for _, m in bars):
        return no_data_figure(title, "No scored comments yet")
    fig = new_figure(go.Bar(
        x=[name for name, _ in bars], y=[m.value for _, m in bars],
        text=[f"{fmt_value(m.value, 'percent')} · n = {m.n}" if m.value is not None else "unavailable"
              for _, m in bars],
        marker_color=["#D62728" if s.backlash else series_color(0), "#A6A6A6"]))
    fig.update_layout(yaxis={"title": {"text": "Negative comments"}, "ticksuffix": "%", "rangemode": "tozero"})
    return apply_layout(fig, title)


def review_frame(posts: Sequence[Any]) -> pd.DataFrame:
    """Sponsored posts no campaign claims (rows: AttributedPost)."""
    return pd.DataFrame({
        "Posted": [p.posted_at for p in posts],
        "Platform": [platform_label(p.platform) for p in posts],
        "Format": [p.media_type for p in posts],
        "Post id": [p.platform_post_id for p in posts],
        "Caption": [excerpt(p.caption, 100) for p in posts],
    })


def mentions_frame(detail: Any) -> pd.DataFrame:
    """The newest audience comments naming the brand, as text (rows: BrandMention)."""
    posts = {p.post_id: p for p in detail.posts}
    items = detail.figures.mentions.examples
    return pd.DataFrame({
        "Written": [m.created_at for m in items],
        "Post": [posts[m.post_id].platform_post_id if m.post_id in posts else "—" for m in items],
        "Author": [m.author for m in items],
        "Comment": [excerpt(m.text, 160) for m in items],
    })
