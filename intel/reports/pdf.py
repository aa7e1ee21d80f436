"""The report as PDF: the same HTML laid out by WeasyPrint with CSS paged media (size, header, footer,
"page X of Y", the demo watermark on every page); fonts are embedded by WeasyPrint."""

from __future__ import annotations

import logging

from intel.analytics.result import SocialIntelligence
from intel.reports.html import render_html
from intel.reports.model import ReportRequest

log = logging.getLogger(__name__)


def _refuse_fetch(url: str, *_args: object, **_kwargs: object) -> dict[str, object]:
    """The report embeds everything; any other URL is refused rather than fetched."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url))
    raise ValueError(f"reports fetch nothing: {url[:60]}")


def render_pdf(request: ReportRequest, intel: SocialIntelligence) -> bytes:
    """The media-kit report as PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango and fonts, only reports need it

    document = HTML(string=render_html(request, intel), url_fetcher=_refuse_fetch).render()
    log.debug("report of talent %s: %d pages", intel.talent_id, len(document.pages))
    return bytes(document.write_pdf())
