"""The talent page's Report panel: format, paper, sections, note and the page's period → a built file to download."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from intel.accounts.auth import Identity
from intel.reports.model import MAX_NOTE, SECTIONS, Format, Paper, file_name
from intel.service.compare_report import build_comparison_report
from intel.service.reports import build_report
from intel.views.text import plain
from pages._period import PagePeriod, period_picker
from pages._wiring import shown_errors

FORMATS: dict[Format, str] = {"pdf": "PDF", "html": "HTML"}
PAPERS: dict[Paper, str] = {"a4": "A4", "letter": "US Letter"}
MIMES = {"pdf": "application/pdf", "html": "text/html"}
SLOW_S = 5.0  # a build slower than this says so


@dataclass(frozen=True)
class BuiltReport:
    """A built report kept for its download button, with the choices it was built for."""

    choices: tuple[object, ...]
    body: bytes
    name: str
    fmt: Format
    seconds: float


def report_panel(identity: Identity, talent_id: int, talent_name: str, period: PagePeriod, label: str) -> None:
    """The "Report" popover: choices → "Build report" → spinner → download (a slow PDF build says so)."""
    with st.popover("Report", icon=":material/description:", key="report_panel"):
        fmt, paper = format_and_paper("report")
        sections = st.multiselect("Sections", list(SECTIONS), default=list(SECTIONS), format_func=SECTIONS.__getitem__,
                                  key="report_sections")
        st.caption("The cover and the methods page are always included.")
        note = st.text_area("Note for the brand (optional, plain text)", max_chars=MAX_NOTE, key="report_note")
        st.caption(plain(label))
        choices = (talent_id, fmt, paper, tuple(sections), note, period.text)
        build_and_offer("report", choices, fmt, talent_name, period.text, lambda: build_report(
            identity, talent_id, fmt=fmt, paper=paper, note=note or None, period=period.text, sections=sections))


def comparison_panel(identity: Identity, talent_ids: list[int]) -> None:
    """The compare page's "Report" popover: format, paper and period → the comparison report to download."""
    with st.popover("Report", icon=":material/description:", key="compare_report_panel"):
        fmt, paper = format_and_paper("compare_report")
        period = period_picker("compare_report_period")
        st.caption("The table and charts of this page, each figure with its percentile within the roster.")
        choices = (tuple(talent_ids), fmt, paper, period.text)
        build_and_offer("compare_report", choices, fmt, "talent comparison", period.text,
                        lambda: build_comparison_report(identity, talent_ids, fmt=fmt, paper=paper,
                                                        period=period.text))


def format_and_paper(key: str) -> tuple[Format, Paper]:
    """The format (PDF / HTML) and, for a PDF, the paper (A4 / US Letter)."""
    fmt = st.radio("Format", list(FORMATS), format_func=FORMATS.__getitem__, horizontal=True, key=f"{key}_format")
    paper = st.radio("Paper", list(PAPERS), format_func=PAPERS.__getitem__, horizontal=True, key=f"{key}_paper",
                     disabled=fmt != "pdf", help="PDF only")
    return fmt, paper


def build_and_offer(key: str, choices: tuple[object, ...], fmt: Format, title: str, period: str | None,
                    build: Callable[[], bytes]) -> None:
    """The "Build report" button, then the download of the file built for these very choices."""
    if st.button("Build report", key=f"{key}_build", type="primary"):
        started = time.perf_counter()
        with shown_errors(), st.spinner(f"Building the {FORMATS[fmt]}…"):
            body = build()
        name = file_name(title, period, fmt, datetime.now(UTC).date().isoformat())
        st.session_state[f"{key}_built"] = BuiltReport(choices, body, name, fmt, time.perf_counter() - started)
    built: BuiltReport | None = st.session_state.get(f"{key}_built")
    if built is None or built.choices != choices:
        return  # nothing built yet, or built for other choices: no stale file is offered
    if built.seconds > SLOW_S:
        st.info(plain(f"This {FORMATS[built.fmt]} took {built.seconds:.0f} s to build; large talents take longer."))
    st.download_button(plain(f"Download {FORMATS[built.fmt]} ({len(built.body) / 1024:,.0f} KB)"), built.body,
                       file_name=built.name, mime=MIMES[built.fmt], key=f"{key}_download", on_click="ignore",
                       icon=":material/download:")
