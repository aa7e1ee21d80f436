"""The report as one self-contained HTML file: autoescaped Jinja2 templates, inline CSS, images as data: URIs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from intel.analytics.result import SocialIntelligence
from intel.reports.campaign import CampaignSections
from intel.reports.charts import build_charts
from intel.reports.comparison import ComparisonSections
from intel.reports.model import SECTIONS, ComparisonRequest, ReportRequest
from intel.reports.sections import build

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    """The one template environment: every value is HTML-escaped, but the charts (SVG whose text `charts` escapes)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render_html(request: ReportRequest, intel: SocialIntelligence) -> str:
    """The media-kit report of `intel` framed by `request`, as HTML text."""
    template = environment().get_template("media_kit.html.j2")
    return template.render(r=request, s=build(intel), charts=build_charts(intel, request.accent),
                           page_size="A4" if request.paper == "a4" else "letter",
                           sections=request.sections, section_titles=[SECTIONS[k] for k in request.sections])


def render_comparison_html(request: ComparisonRequest, content: ComparisonSections) -> str:
    """The comparison report of several talents, as HTML text."""
    template = environment().get_template("comparison.html.j2")
    return template.render(r=request, c=content, page_size="A4" if request.paper == "a4" else "letter")


def render_campaign_html(request: ComparisonRequest, content: CampaignSections) -> str:
    """The campaign report for the brand, as HTML text."""
    template = environment().get_template("campaign.html.j2")
    return template.render(r=request, c=content, page_size="A4" if request.paper == "a4" else "letter")
