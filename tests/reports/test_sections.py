"""A media kit shows only the sections chosen (cover and methods always); an unknown section is refused."""

from __future__ import annotations

import pytest

from intel.accounts.auth import SYSTEM
from intel.cli import main
from intel.errors import IntelError
from intel.service.reports import build_report
from tests.factories import make_talent


@pytest.fixture
def rt(engine, database_url, make_runtime, installed_runtime):
    """The process runtime on the test database (embedded cache)."""
    return installed_runtime(make_runtime(database_url))


def test_an_omitted_section_is_absent_and_the_methods_page_lists_what_is_in(rt, engine):
    talent = make_talent(engine)
    html = build_report(SYSTEM, talent, fmt="html", sections=["headline", "audience"]).decode("utf-8")
    assert "Headline figures" in html and "Audience sentiment" in html
    for absent in ("Follower trend", "<polyline", "Top posts", "What performs", "Best time to post"):
        assert absent not in html, absent
    assert "Sections included: cover, Headline KPIs, Audience sentiment &amp; community health, methods." in html
    assert "<h2>Methods</h2>" in html


def test_by_default_every_section_is_in(rt, engine):
    html = build_report(SYSTEM, make_talent(engine), fmt="html").decode("utf-8")
    for title in ("Headline figures", "Follower trend", "Top posts", "What performs", "Audience sentiment"):
        assert title in html


def test_an_unknown_section_is_refused_naming_the_valid_ones(rt, engine):
    talent = make_talent(engine)
    with pytest.raises(IntelError, match=r"Unknown report section 'charts'.*headline, trend, highlights"):
        build_report(SYSTEM, talent, fmt="html", sections=["trend", "charts"])


def test_the_cli_takes_sections(rt, engine, tmp_path, capsys):
    talent = make_talent(engine)
    out = tmp_path / "kit.html"
    assert main(["report", str(talent), "--format", "html", "--sections", "trend", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Follower trend" in text and "Top posts" not in text
    assert main(["report", str(talent), "--sections", "nope", "-o", str(out)]) == 2
    assert "Unknown report section" in capsys.readouterr().err


def test_download_names_are_ascii_letters_digits_and_dashes():
    from intel.reports.model import file_name

    assert file_name("Zoë <b>/../ 日本", "2026-01-01..2026-03-31", "pdf", "2026-12-01") == \
        "zoe-b-2026-01-01-to-2026-03-31-2026-12-01.pdf"
    assert file_name("日本", None, "html", "2026-12-01") == "all-data-2026-12-01.html"
