"""Comparison reports of 2–6 talents (managers) as PDF or self-contained HTML: the compare page's table and
charts, each ranked figure with its percentile among the roster's talents of the same kind; audited."""

from __future__ import annotations

import logging
import time

from intel.accounts import audit
from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.analytics.compare import (
    MAX_TALENTS,
    MIN_TALENTS,
    RANKED,
    RankedKey,
    compare_frame,
    ranked_values,
    roster_populations,
)
from intel.analytics.result import SocialIntelligence
from intel.analytics.window import Window, parse_window
from intel.config import get_settings
from intel.db.base import utcnow
from intel.errors import IntelError
from intel.reports.comparison import build_comparison
from intel.reports.html import render_comparison_html
from intel.reports.model import ComparisonRequest, Format, Paper, logo_data_uri
from intel.reports.pdf import pdf_of
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary
from intel.service.reports import as_of, check_format, period_label
from intel.service.talents import roster, serve_for, serve_window_for

log = logging.getLogger(__name__)


@database_boundary
def build_comparison_report(identity: Identity | None, talent_ids: list[int], *, fmt: Format, paper: Paper = "a4",
                            period: str | None = None) -> bytes:
    """The comparison report of 2–6 talents the identity may compare, as PDF or UTF-8 HTML bytes; audited.

    `period` as for `build_report` computes every figure, and the population the percentiles rank among, for
    that window. Demo and real talents are never compared in one report.
    """
    identity = require(identity, "compare")
    check_format(fmt)
    ids = list(dict.fromkeys(talent_ids))  # the same talent twice is one column
    if not MIN_TALENTS <= len(ids) <= MAX_TALENTS:
        raise IntelError(f"Choose between {MIN_TALENTS} and {MAX_TALENTS} different talents to compare.")
    window = parse_window(period, utcnow().date()) if period else None
    intels = [_intel(identity, t, window) for t in ids]
    demo = _one_kind(intels)
    populations = _populations(identity, demo, window)
    growth_days = window.days if window else 30
    frame = compare_frame(intels, [], growth_days=growth_days, populations=populations)
    settings = get_settings()
    newest = max(intels, key=as_of)  # the period of all data runs up to the newest talent's data
    request = ComparisonRequest(
        period_label=period_label(newest, window), as_of=as_of(newest),
        agency_name=settings.agency_name, agency_logo=logo_data_uri(settings.agency_logo),
        accent=settings.report_accent, paper=paper, is_demo=demo)
    content = build_comparison(intels, frame, {k: len(v) for k, v in populations.items()}, request.kind,
                               request.accent, growth_days)
    started = time.perf_counter()
    html = render_comparison_html(request, content)
    body = pdf_of(html, f"talents {ids}") if fmt == "pdf" else html.encode("utf-8")
    seconds = time.perf_counter() - started
    audit.record(get_runtime().sessions, identity.email, "comparison_report_built",
                 "talents:" + ",".join(map(str, ids)), format=fmt, paper=paper,
                 period=window.label() if window else "all", bytes=len(body), seconds=round(seconds, 3))
    log.info("comparison report of talents %s built: %s, %d bytes, %.2f s", ids, fmt, len(body), seconds)
    return body


def _intel(identity: Identity, talent_id: int, window: Window | None) -> SocialIntelligence:
    """One talent's intelligence (all data, or the window's), after the access check the serve functions make."""
    served = serve_for(identity, talent_id) if window is None else serve_window_for(identity, talent_id, window)
    return served.intel


def _one_kind(intels: list[SocialIntelligence]) -> bool:
    """True for an all-demo comparison, False for an all-real one; IntelError for a mix (never mixed)."""
    kinds = {i.is_demo for i in intels}
    if len(kinds) > 1:
        raise IntelError("Demo and real talents cannot share a comparison report: choose only demo talents or "
                         "only real ones.")
    return kinds.pop()


def _populations(identity: Identity, demo: bool, window: Window | None) -> dict[RankedKey, list[float]]:
    """Each ranked figure of the roster's talents of the same kind with data: the compare page's stored
    all-data figures, or every such talent's figures for the window (cached per window and data generation)."""
    members = [r for r in roster(identity) if r.is_demo == demo]
    if window is None:
        return roster_populations(members)  # the stored figures of those with data, as the compare page ranks
    # Every such talent's window is computed (a talent without data in it has no figure, so is no member).
    values = [ranked_values(serve_window_for(identity, r.talent_id, window).intel, window.days) for r in members]
    return {k: [float(x) for v in values if (x := v[k]) is not None] for k in RANKED}
