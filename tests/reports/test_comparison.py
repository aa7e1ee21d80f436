"""Comparison reports: the compare page's figures for 2–6 talents with hand-checkable roster percentiles, on SQLite
and PostgreSQL; refused for a wrong count, a mix of demo and real, and a role without the compare capability."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intel.accounts.auth import SYSTEM, Identity
from intel.cli import main
from intel.db.engine import transaction
from intel.db.models import AdminActivity, FollowerSnapshot, SocialProfile
from intel.errors import IntelError, PermissionDenied
from intel.service.compare_report import build_comparison_report
from intel.service.talents import compare_talents, get_social_intelligence
from tests.factories import make_talent


@pytest.fixture
def rt(engine, database_url, make_runtime, installed_runtime):
    """The process runtime on the test database (embedded cache)."""
    return installed_runtime(make_runtime(database_url))


def with_followers(engine, followers: int, name: str) -> int:
    """A real talent whose every snapshot holds `followers`, its all-data figures computed (a roster member)."""
    talent = make_talent(engine, name=name)
    with transaction(engine) as s:
        profiles = select(SocialProfile.id).where(SocialProfile.talent_id == talent)
        s.execute(update(FollowerSnapshot).where(FollowerSnapshot.profile_id.in_(profiles))
                  .values(followers=followers))
    get_social_intelligence(talent, bypass_cache=True)
    return talent


@pytest.fixture
def trio(rt, engine) -> list[int]:
    """Three real talents with 1,000, 2,000 and 4,000 followers: percentiles 33, 67 and 100 among 3."""
    return [with_followers(engine, n, name) for n, name in ((1_000, "Ana One"), (2_000, "Bo Two"),
                                                            (4_000, "Cy Three"))]


def text_of(html: bytes) -> str:
    """The HTML's visible text, one space between cells."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode("utf-8")).split())


def test_the_table_holds_the_followers_and_their_percentiles_among_the_real_talents(trio):
    text = text_of(build_comparison_report(SYSTEM, trio, fmt="html"))
    assert "Ana One Bo Two Cy Three" in text
    assert "Followers 1,000 (n = 1) 2,000 (n = 1) 4,000 (n = 1)" in text
    assert "Followers percentile (among the 3 real talents with this figure) 33 67 100" in text
    assert "DEMO DATA" not in text


def test_the_values_are_the_compare_pages(trio):
    table, _ = compare_talents(SYSTEM, trio)
    text = text_of(build_comparison_report(SYSTEM, trio, fmt="html"))
    percentiles = " ".join(f"{v:.0f}" for v in table["Health percentile"])
    assert f"with this figure) {percentiles}" in text
    assert list(table["Followers percentile"]) == [33.3, 66.7, 100.0]


def test_charts_are_inline_vector_bars_and_nothing_is_fetched(trio):
    html = build_comparison_report(SYSTEM, trio, fmt="html").decode("utf-8")
    assert html.count("<svg") == 2 and html.count("<rect") >= 6
    links = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html, re.I)
    assert all(link.startswith(("data:", "#")) for link in links), links
    assert "<script" not in html.lower()


def test_the_pdf_holds_the_names_and_a_percentile(trio, tmp_path):
    path = tmp_path / "compare.pdf"
    path.write_bytes(build_comparison_report(SYSTEM, trio[:2], fmt="pdf", paper="letter"))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Ana One" in flat and "Bo Two" in flat
    assert "percentile (among the 3 real talents" in flat
    assert "page 1 of" in flat


def test_hostile_names_are_text(rt, engine):
    hostile = "<script>alert(1)</script>"
    ids = [with_followers(engine, 10, hostile), with_followers(engine, 20, "Plain")]
    html = build_comparison_report(SYSTEM, ids, fmt="html").decode("utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_one_or_seven_talents_a_mix_or_an_agent_are_refused(rt, engine, trio):
    with pytest.raises(IntelError, match="between 2 and 6"):
        build_comparison_report(SYSTEM, trio[:1], fmt="html")
    seven = trio + [make_talent(engine) for _ in range(4)]
    with pytest.raises(IntelError, match="between 2 and 6"):
        build_comparison_report(SYSTEM, seven, fmt="html")
    demo = make_talent(engine, is_demo=True)
    with pytest.raises(IntelError, match="Demo and real"):
        build_comparison_report(SYSTEM, [trio[0], demo], fmt="html")
    agent = Identity(999_999, "agent@agency.test", "Agent", "agent")
    with pytest.raises(PermissionDenied):
        build_comparison_report(agent, trio, fmt="html")
    with pytest.raises(IntelError, match="Format must be"):
        build_comparison_report(SYSTEM, trio, fmt="docx")  # type: ignore[arg-type]


def test_a_demo_comparison_is_watermarked_and_ranks_among_demo_talents(rt, engine):
    ids = [make_talent(engine, is_demo=True) for _ in range(2)]
    text = text_of(build_comparison_report(SYSTEM, ids, fmt="html"))
    assert "DEMO DATA — NOT REAL ANALYTICS" in text and "demo talents with this figure" in text


def test_a_period_computes_the_figures_and_the_population_for_that_window(trio):
    text = text_of(build_comparison_report(SYSTEM, trio, fmt="html", period="90d"))
    assert "Last 90 days" in text and "90-day growth %" in text
    assert "Followers percentile (among the 3 real talents with this figure) 33 67 100" in text


def test_each_build_is_audited_and_the_cli_writes_one(trio, engine, tmp_path):
    out = tmp_path / "compare.html"
    assert main(["report", *map(str, trio), "--compare", "--format", "html", "-o", str(out)]) == 0
    assert "Talent comparison" in out.read_text(encoding="utf-8")
    with Session(engine) as s:
        row = s.scalars(select(AdminActivity).where(AdminActivity.action == "comparison_report_built")).one()
    assert row.target == "talents:" + ",".join(map(str, trio)) and row.details["format"] == "html"
