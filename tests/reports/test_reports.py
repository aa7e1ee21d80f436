"""Media-kit reports: the PDF carries the talent page's figures, page numbers and (for demo talents) the
watermark on every page; the HTML is one self-contained file with user text shown as text — on SQLite and
PostgreSQL, built through the service façade as the CLI does."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intel.accounts.auth import SYSTEM, Identity
from intel.analytics.window import parse_window
from intel.cli import main
from intel.db.base import utcnow
from intel.db.engine import transaction
from intel.db.models import AdminActivity, SocialPost
from intel.errors import IntelError, TalentNotFound
from intel.service.reports import build_report
from intel.service.talents import get_social_intelligence, serve_window_for
from intel.views import tables
from tests.factories import make_talent

HOSTILE = "<script>alert(1)</script> **x**"


@pytest.fixture
def rt(engine, database_url, make_runtime, installed_runtime):
    """The process runtime on the test database (embedded cache)."""
    return installed_runtime(make_runtime(database_url))


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page of `pdf`, by pdftotext."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, pages + 1)]


def page_size(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return re.search(r"^Page size:\s+(.+)$", info, re.M).group(1)


def test_pdf_holds_the_kpis_the_talent_page_shows_and_numbers_its_pages(rt, engine, tmp_path):
    talent = make_talent(engine, name="Zoë 日本 🌟")
    pages = pdf_pages(build_report(SYSTEM, talent, fmt="pdf"), tmp_path)
    text = "\n".join(pages)
    intel = get_social_intelligence(talent)
    shown = tables.kpis(intel) + tables.engagement_kpis(intel)
    assert shown and all(k.value in text for k in shown), [k.value for k in shown if k.value not in text]
    assert "Zoë" in text and "🌟" in text
    assert "All data up to" in text and "Data as of" in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page


def test_a_talent_without_data_reads_unavailable_never_zero(rt, engine, tmp_path):
    talent = make_talent(engine, posts=0, comments_per_post=0)
    text = "\n".join(pdf_pages(build_report(SYSTEM, talent, fmt="pdf"), tmp_path))
    assert "Instagram engagement\nunavailable" in text
    assert "0.00%" not in text


def test_demo_talent_has_the_watermark_on_every_page(rt, engine, tmp_path):
    talent = make_talent(engine, is_demo=True)
    pages = pdf_pages(build_report(SYSTEM, talent, fmt="pdf", note="line\n" * 80), tmp_path)
    assert len(pages) >= 4
    for page in pages:  # rotated text comes out word by word: compare without white space
        assert "DEMODATA—NOTREALANALYTICS" in re.sub(r"\s+", "", page)


def test_a_real_talent_has_no_watermark(rt, engine, tmp_path):
    talent = make_talent(engine)
    text = "\n".join(pdf_pages(build_report(SYSTEM, talent, fmt="pdf"), tmp_path))
    assert "NOT REAL" not in text


def test_a4_and_letter_differ(rt, engine, tmp_path):
    talent = make_talent(engine)
    assert "(A4)" in page_size(build_report(SYSTEM, talent, fmt="pdf", paper="a4"), tmp_path)
    assert "(letter)" in page_size(build_report(SYSTEM, talent, fmt="pdf", paper="letter"), tmp_path)


def test_html_is_self_contained_and_shows_hostile_text_as_text(rt, engine):
    talent = make_talent(engine, name=HOSTILE)
    with transaction(engine) as s:
        s.execute(update(SocialPost).values(caption=f"caption {HOSTILE}"))
    html = build_report(SYSTEM, talent, fmt="html", note=f"note {HOSTILE}").decode("utf-8")
    links = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html, re.I)
    assert all(link.startswith(("data:", "#")) for link in links), links
    assert "<script" not in html.lower()
    assert "url(" not in html  # no stylesheet request either
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; **x**"
    assert html.count(escaped) >= 3  # the name (title, cover), the note and the caption
    assert f"note {escaped}" in html and f"caption {escaped}" in html


def test_hostile_text_reaches_the_pdf_as_text(rt, engine, tmp_path):
    talent = make_talent(engine, name=HOSTILE)
    text = "\n".join(pdf_pages(build_report(SYSTEM, talent, fmt="pdf", note=HOSTILE), tmp_path))
    assert text.count("<script>alert(1)</script> **x**") >= 2


def test_bad_requests_are_refused_with_a_clear_message(rt, engine):
    talent = make_talent(engine)
    with pytest.raises(IntelError, match="Format must be"):
        build_report(SYSTEM, talent, fmt="docx")  # type: ignore[arg-type]
    with pytest.raises(IntelError, match="Paper must be"):
        build_report(SYSTEM, talent, fmt="pdf", paper="a3")  # type: ignore[arg-type]
    with pytest.raises(TalentNotFound):
        build_report(SYSTEM, 999_999, fmt="html")
    with pytest.raises(IntelError, match="sign in"):
        build_report(None, talent, fmt="html")


def test_cli_writes_the_report(rt, engine, tmp_path, capsys):
    talent = make_talent(engine)
    out = tmp_path / "kit.html"
    assert main(["report", str(talent), "--format", "html", "--note", "hi", "-o", str(out)]) == 0
    assert "media kit" in out.read_text(encoding="utf-8")
    assert main(["report", "999999", "--format", "pdf", "-o", str(tmp_path / "none.pdf")]) == 2
    assert not (tmp_path / "none.pdf").exists()
    assert "not found" in capsys.readouterr().err


def test_each_build_is_audited(rt, engine):
    talent = make_talent(engine)
    build_report(SYSTEM, talent, fmt="html", note="for the brand")
    with Session(engine) as s:
        row = s.scalars(select(AdminActivity).where(AdminActivity.action == "report_built",
                                                    AdminActivity.target == f"talent:{talent}")).one()
    assert row.actor == SYSTEM.email
    assert row.details["format"] == "html" and row.details["has_note"] is True


def test_the_follower_trend_is_a_vector_chart(rt, engine, tmp_path):
    talent = make_talent(engine)  # one platform, 30 days of followers
    html = build_report(SYSTEM, talent, fmt="html").decode("utf-8")
    assert html.count("<polyline") == 1 and "30 days" in html
    pdf = tmp_path / "kit.pdf"
    pdf.write_bytes(build_report(SYSTEM, talent, fmt="pdf"))
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) == 2  # the headings only: no raster image, the chart is vector paths


def test_an_agent_gets_no_report_of_a_talent_not_theirs(rt, engine):
    talent = make_talent(engine)
    stranger = Identity(999_999, "stranger@agency.test", "Stranger", "agent")  # assigned no talent
    with pytest.raises(TalentNotFound):
        build_report(stranger, talent, fmt="pdf")


def test_a_period_computes_every_figure_for_that_window_and_says_which(rt, engine, tmp_path):
    talent = make_talent(engine, posts=6)
    window = parse_window("30d", utcnow().date())
    text = "\n".join(pdf_pages(build_report(SYSTEM, talent, fmt="pdf", period="30d"), tmp_path))
    intel = serve_window_for(SYSTEM, talent, window).intel
    shown = tables.kpis(intel) + tables.engagement_kpis(intel)
    assert shown and all(k.value in text for k in shown), [k.value for k in shown if k.value not in text]
    assert f"Last 30 days, {window.start.isoformat()} to {window.end.isoformat()}" in " ".join(text.split())
    assert "All data up to" not in text  # never silently for all time
    with transaction(engine) as s:
        actions = list(s.scalars(select(AdminActivity.details).where(AdminActivity.action == "report_built")))
    assert actions and actions[-1]["period"] == window.label()


def test_a_period_that_is_not_one_is_refused_in_plain_words(rt, engine):
    talent = make_talent(engine, posts=1)
    with pytest.raises(IntelError, match="30d"):
        build_report(SYSTEM, talent, fmt="html", period="seven weeks")
