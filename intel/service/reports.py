"""Talent reports (media kits) as PDF or self-contained HTML, for one talent the identity may see, audited."""

from __future__ import annotations

import logging
import time

from intel.accounts import audit
from intel.accounts.access import check_talent, require
from intel.accounts.auth import Identity
from intel.analytics.result import SocialIntelligence, platform_label
from intel.analytics.window import PRESET_DAYS, Window, parse_window
from intel.config import get_settings
from intel.db.base import utcnow
from intel.db.models import Talent
from intel.errors import IntelError, TalentNotFound
from intel.reports.html import render_html
from intel.reports.model import FORMATS, Format, Paper, ReportRequest, check_sections, logo_data_uri
from intel.reports.pdf import render_pdf
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary
from intel.service.talents import get_social_intelligence, read_session, serve_window_for

log = logging.getLogger(__name__)


def period_label(intel: SocialIntelligence, window: Window | None = None) -> str:
    """The period the figures cover: the window asked for, else all data up to the newest data."""
    if window is not None:
        preset = f"Last {window.days} days, " if window.end == utcnow().date() and window.days in PRESET_DAYS else ""
        return f"{preset}{window.start.isoformat()} to {window.end.isoformat()}"
    return f"All data up to {as_of(intel)}"


def as_of(intel: SocialIntelligence) -> str:
    """The newest snapshot day, else the newest post's day, else 'no data yet'."""
    fresh = intel.freshness
    return fresh.newest_snapshot_on or (fresh.newest_post_at or "")[:10] or "no data yet"


def check_format(fmt: str) -> None:
    """IntelError unless `fmt` is a report format."""
    if fmt not in FORMATS:
        raise IntelError(f"Format must be one of {', '.join(FORMATS)}, not {fmt!r}.")


@database_boundary
def build_report(identity: Identity | None, talent_id: int, *, fmt: Format, paper: Paper = "a4",
                 note: str | None = None, period: str | None = None,
                 sections: list[str] | tuple[str, ...] | None = None) -> bytes:
    """The talent's media-kit report as PDF or UTF-8 HTML bytes, after the access check; audited.

    `period` ("30d", "90d", "365d" or "YYYY-MM-DD..YYYY-MM-DD") computes every figure for that window;
    without it the report covers all data, and says so on every page. `sections` (keys of
    `intel.reports.model.SECTIONS`, default all) are shown; the cover and the methods page always are.
    """
    identity = require(identity, "view")
    check_format(fmt)
    chosen = check_sections(sections)
    with read_session() as session:
        check_talent(session, identity, talent_id)
        talent = session.get(Talent, talent_id)
        if talent is None:
            raise TalentNotFound(f"Talent {talent_id} was not found, or you may not see it.")
        category, tier = talent.category, talent.tier
    window = parse_window(period, utcnow().date()) if period else None
    intel = (serve_window_for(identity, talent_id, window).intel if window is not None
             else get_social_intelligence(talent_id))
    settings = get_settings()
    request = ReportRequest(
        talent_name=intel.talent_name, handles=tuple((platform_label(p.platform), p.handle) for p in intel.connected),
        category=category, tier=tier, period_label=period_label(intel, window), as_of=as_of(intel),
        agency_name=settings.agency_name, agency_logo=logo_data_uri(settings.agency_logo),
        accent=settings.report_accent, note=(note or "").strip() or None, paper=paper, is_demo=intel.is_demo,
        sections=chosen)
    started = time.perf_counter()
    body = render_pdf(request, intel) if fmt == "pdf" else render_html(request, intel).encode("utf-8")
    seconds = time.perf_counter() - started
    audit.record(get_runtime().sessions, identity.email, "report_built", f"talent:{talent_id}", format=fmt,
                 paper=paper, period=window.label() if window else "all", bytes=len(body),
                 seconds=round(seconds, 3), has_note=request.note is not None,
                 sections=list(chosen))
    log.info("report of talent %s built: %s, %d bytes, %.2f s", talent_id, fmt, len(body), seconds)
    return body
