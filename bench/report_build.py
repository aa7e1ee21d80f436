"""Build the bench talent's media-kit report, HTML and PDF, repeatedly in a fresh spawned process.

The child builds through `intel.service.reports.build_report` as the CLI does (system identity, access check,
the intelligence from the embedded cache, rendering, the audit row): one cold build of each format first
(the intelligence computed, WeasyPrint and the fonts loaded; reported apart), then HTML_N warm HTML builds
and PDF_N warm PDF builds. Its peak resident memory (VmHWM) after the HTML builds and after the PDF builds
are the RSS figures. Goals (issue 16): HTML p95 ≤ 1 s, PDF p95 ≤ 3 s on this machine.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

from bench.child import peak_rss_mb, run_child

if TYPE_CHECKING:
    from intel.reports.model import Format

log = logging.getLogger(__name__)

HTML_N, PDF_N = 20, 10  # warm builds after one cold build of each; the smoke test shrinks them
GOAL_HTML_P95_S, GOAL_PDF_P95_S = 1.0, 3.0
TIMEOUT_S = 900


def report_figures(db_url: str, talent_id: int) -> dict[str, Any]:
    """Milliseconds of the warm HTML and PDF builds of `talent_id`'s report, the cold ones, sizes and peak RSS."""
    outcome = run_child(_child, db_url, talent_id, HTML_N, PDF_N, timeout_s=TIMEOUT_S)
    if "error" in outcome:
        raise RuntimeError(f"report build bench failed: {outcome['error']}")
    return outcome


def _child(db_url: str, talent_id: int, html_n: int, pdf_n: int, results: Any) -> None:
    """Subprocess body: cold then warm builds of each format, timed; this process's peak RSS after each."""
    try:
        os.environ.update({"DATABASE_URL": db_url, "REDIS_URL": ""})  # the process runtime: embedded cache
        for noisy in ("intel.service.reports", "intel.cache.provider", "intel.accounts.audit", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        from intel.accounts.auth import SYSTEM
        from intel.service.reports import build_report

        def build(fmt: Format) -> tuple[float, int]:
            started = time.perf_counter()
            body = build_report(SYSTEM, talent_id, fmt=fmt)
            return (time.perf_counter() - started) * 1000, len(body)

        cold_html_ms, html_bytes = build("html")
        html_ms = [build("html")[0] for _ in range(html_n)]
        rss_html = peak_rss_mb()
        cold_pdf_ms, pdf_bytes = build("pdf")
        pdf_ms = [build("pdf")[0] for _ in range(pdf_n)]
        results.put({"html_ms": html_ms, "pdf_ms": pdf_ms, "cold_html_ms": round(cold_html_ms, 1),
                     "cold_pdf_ms": round(cold_pdf_ms, 1), "html_bytes": html_bytes, "pdf_bytes": pdf_bytes,
                     "peak_rss_mb_after_html": round(rss_html, 1), "peak_rss_mb": round(peak_rss_mb(), 1)})
    except Exception as exc:  # reported to the parent, which raises
        results.put({"error": repr(exc)})


if __name__ == "__main__":  # python -m bench.report_build [SCALE]: seeds or reuses the talent, prints the figures
    import json
    import sys

    from bench.seed import DEFAULT_DATABASE_URL, ensure_database, seed_talent

    logging.basicConfig(level=logging.INFO)
    engine = ensure_database(DEFAULT_DATABASE_URL)
    seeded = seed_talent(engine, sys.argv[1] if len(sys.argv) > 1 else "large")
    engine.dispose()
    sys.stdout.write(json.dumps(report_figures(DEFAULT_DATABASE_URL, seeded.talent_id), indent=2) + "\n")
