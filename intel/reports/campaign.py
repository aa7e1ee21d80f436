"""The campaign report for the brand: the campaign page's KPIs with their samples, the deliverables checklist,
the attributed posts with their lifts, a lift chart and comment sentiment against the organic baseline.
Pure: the caller passes the campaign's detail (`intel.service.campaigns.CampaignDetail`, duck-typed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intel.reports.bars import BarChart, bar_chart
from intel.reports.model import ComparisonRequest
from intel.reports.sections import Row
from intel.views import campaigns as views
from intel.views.tables import fmt_value

POST_COLUMNS = ("Posted", "Talent", "Platform", "Format", "Caption", "Views", "Interactions", "Engagement",
                "Views lift", "Interactions lift")


class CampaignRequest(ComparisonRequest):
    """The campaign report's frame: the campaign's dates as its period, the newest post's day, branding, paper,
    and whether it is a demo campaign (the watermark then marks every page)."""


@dataclass(frozen=True)
class CampaignSections:
    """Everything the campaign template draws, as text."""

    title: str
    status: str
    talents: tuple[str, ...]
    kpis: tuple[Row, ...]
    deliverables: tuple[Row, ...]
    posts: tuple[Row, ...]
    sentiment: tuple[Row, ...]
    lift: BarChart | None
    backlash: bool


def build_campaign(detail: Any, accent: str) -> CampaignSections:
    """The report's content from the campaign page's detail (excluded posts are left out: the brand sees what
    counts)."""
    row = detail.campaign
    posts = views.posts_frame(detail)
    posts = posts[posts["How"] != "excluded by hand"]
    s = detail.figures.sentiment
    return CampaignSections(
        title=f"{row.brand} — {row.name}", status=row.status.capitalize(),
        talents=tuple(t.name for t in detail.talents),
        kpis=tuple((k.label, k.value, k.help) for k in views.campaign_kpis(detail)),
        deliverables=tuple(tuple(str(v) for v in r) for r in views.deliverables_frame(detail).itertuples(index=False)),
        posts=tuple(tuple(_text(r[c]) for c in POST_COLUMNS) for _, r in posts.iterrows()),
        sentiment=(("Campaign posts", fmt_value(s.campaign_negative.value, "percent"), str(s.campaign_negative.n)),
                   ("Organic baseline", fmt_value(s.baseline_negative.value, "percent"), str(s.baseline_negative.n))),
        lift=_lift_chart(detail, accent), backlash=s.backlash)


def _text(value: object) -> str:
    return f"{value:%Y-%m-%d}" if hasattr(value, "strftime") else str(value)


def _lift_chart(detail: Any, accent: str) -> BarChart | None:
    """Interactions lift per post (× the organic median); None when no post has one."""
    posts = {p.post_id: p for p in detail.posts}
    items = [(f"{posts[f.post_id].posted_at:%d %b} {posts[f.post_id].platform_post_id}", f.interactions_lift.value,
              views.lift_text(f.interactions_lift) + f" (n = {f.interactions_lift.n})", accent)
             for f in detail.figures.posts if f.post_id in posts]
    if not any(v is not None for _, v, _, _ in items):
        return None
    return bar_chart("Interactions lift per post (× the talent's organic median)", items)
