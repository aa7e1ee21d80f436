"""The campaign report for the brand (PDF or self-contained HTML): what the campaign page shows the identity,
framed with the agency's branding; audited."""

from __future__ import annotations

import logging
import time

from intel.accounts import audit
from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.config import get_settings
from intel.reports.campaign import CampaignRequest, build_campaign
from intel.reports.html import render_campaign_html
from intel.reports.model import Format, Paper, logo_data_uri
from intel.reports.pdf import pdf_of
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary
from intel.service.campaigns import campaign_detail
from intel.service.reports import check_format

log = logging.getLogger(__name__)


@database_boundary
def build_campaign_report(identity: Identity | None, campaign_id: int, *, fmt: Format,
                          paper: Paper = "a4") -> bytes:
    """The campaign's report as PDF or UTF-8 HTML bytes, limited to what the identity may see; audited."""
    identity = require(identity, "view")
    check_format(fmt)
    detail = campaign_detail(identity, campaign_id)  # checks access; an agent's view has only their talents
    row = detail.campaign
    settings = get_settings()
    newest = max((p.posted_at for p in detail.posts if not p.excluded), default=None)
    request = CampaignRequest(
        period_label=f"{row.starts_on.isoformat()} to {row.ends_on.isoformat()}",
        as_of=f"{detail.figures.as_of:%Y-%m-%d %H:%M} UTC" + (f" (newest post {newest:%Y-%m-%d})" if newest else ""),
        agency_name=settings.agency_name, agency_logo=logo_data_uri(settings.agency_logo),
        accent=settings.report_accent, paper=paper, is_demo=row.is_demo)
    started = time.perf_counter()
    html = render_campaign_html(request, build_campaign(detail, request.accent))
    body = pdf_of(html, f"campaign {campaign_id}") if fmt == "pdf" else html.encode("utf-8")
    seconds = time.perf_counter() - started
    audit.record(get_runtime().sessions, identity.email, "campaign_report_built", f"campaign:{campaign_id}",
                 format=fmt, paper=paper, bytes=len(body), seconds=round(seconds, 3))
    log.info("campaign report of campaign %s built: %s, %d bytes, %.2f s", campaign_id, fmt, len(body), seconds)
    return body
