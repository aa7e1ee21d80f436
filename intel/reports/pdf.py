"""The report as PDF: the same HTML laid out by WeasyPrint with CSS paged media (size, header, footer,
"page X of Y", the demo watermark on every page); fonts are embedded by WeasyPrint."""

from __future__ import annotations

import logging
from typing import Any

from intel.analytics.result import SocialIntelligence
from intel.reports.html import render_html
from intel.reports.model import ReportRequest

log = logging.getLogger(__name__)


def _data_only_fetcher() -> Any:
    """A fetcher of data: URIs only: the report embeds everything, so any other URL is refused, never fetched."""
    import weasyprint

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint 68+
        return weasyprint.URLFetcher(allowed_protocols=("data",))

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # WeasyPrint 62–67
        if not url.startswith("data:"):
            raise ValueError(f"reports fetch nothing: {url[:60]}")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


def render_pdf(request: ReportRequest, intel: SocialIntelligence) -> bytes:
    """The media-kit report as PDF bytes."""
    return pdf_of(render_html(request, intel), f"talent {intel.talent_id}")


def pdf_of(html: str, what: str) -> bytes:
    """A report's HTML laid out as PDF bytes (fetching nothing but data: URIs)."""
    from weasyprint import HTML  # imported here: it loads Pango and fonts, only reports need it

    document = HTML(string=html, url_fetcher=_data_only_fetcher()).render()
    log.debug("report of %s: %d pages", what, len(document.pages))
    return bytes(document.write_pdf())
