"""The report's bar charts (intel.reports.charts): each bar carries its figure and n; a figure without data is the
word "unavailable" and no bar; user text in a label stays text. Built from a real talent's intelligence."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from intel.accounts.auth import SYSTEM
from intel.analytics.result import HealthComponent, MediaTypeRate, Shares, metric
from intel.reports import charts
from intel.service.reports import build_report
from intel.service.talents import get_social_intelligence
from tests.factories import make_talent

ACCENT = "#1f4e79"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> & "quoted" **x**'


@pytest.fixture
def rt(engine, database_url, make_runtime, installed_runtime):
    """The process runtime on the test database (embedded cache)."""
    return installed_runtime(make_runtime(database_url))


def parse(svg: str) -> ET.Element:
    """The chart as XML (it must be well formed: every text escaped), with the SVG namespace the browser assumes."""
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{SVG}text")]


def bars(svg: str) -> list[ET.Element]:
    return [r for r in parse(svg).iter(f"{SVG}rect")]


def test_format_bars_hold_each_rate_and_its_n(rt, engine):
    intel = get_social_intelligence(make_talent(engine, posts=6))
    rates = [m for m in intel.content.by_media_type if m.engagement_rate.value is not None]
    assert rates
    svg = charts.format_chart(intel.content, ACCENT)
    assert len(bars(svg)) == len(rates) and {b.get("fill") for b in bars(svg)} == {ACCENT}
    labels = texts(svg)
    for m in rates:
        rate = m.engagement_rate
        assert f"{rate.value:.2f}% (n = {rate.n:,} posts)" in labels
    widths = [float(b.get("width") or 0) for b in bars(svg)]
    assert max(widths) == charts.BAR_W  # the largest rate spans the bar area; the others in proportion


def test_an_unavailable_format_is_words_not_a_zero_bar_and_no_data_is_no_chart(rt, engine):
    intel = get_social_intelligence(make_talent(engine, posts=6))
    measured = intel.content.by_media_type[0]
    missing = MediaTypeRate("tiktok", "video", metric(None, 0, "median"))
    svg = charts.format_chart(replace(intel.content, by_media_type=(measured, missing)), ACCENT)
    assert len(bars(svg)) == 1
    assert "TikTok video" in texts(svg) and "unavailable (no posts)" in texts(svg)

    none = charts.format_chart(replace(intel.content, by_media_type=(missing,)), ACCENT)
    assert "<svg" not in none and "<rect" not in none
    assert none == '<p class="unavailable">unavailable: no posts with an engagement rate in any format</p>'


def test_hostile_text_in_a_label_stays_text(rt, engine):
    intel = get_social_intelligence(make_talent(engine, posts=6))
    hostile = replace(intel.content.by_media_type[0], media_type=HOSTILE)
    svg = charts.format_chart(replace(intel.content, by_media_type=(hostile,)), ACCENT)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert f"Instagram {HOSTILE}" in texts(svg)  # parsed back: exactly the user's text, as text
    assert '"quoted"' not in svg.split(">", 1)[0]  # nor can it close an attribute


def test_sentiment_is_one_stacked_bar_of_the_three_shares_with_n_comments(rt, engine):
    intel = get_social_intelligence(make_talent(engine, posts=4, comments_per_post=5))
    shares = intel.sentiment.comment_shares
    svg = charts.sentiment_chart(intel.sentiment, ACCENT)
    stack = [b for b in bars(svg) if b.get("height") == "18"]
    assert len(stack) == 3
    assert sum(float(b.get("width") or 0) for b in stack) == pytest.approx(charts.WIDTH, abs=0.2)
    assert f"(n = {shares.positive.n:,} comments)" in texts(svg)[0]
    assert texts(svg)[0].startswith(f"positive {shares.positive.value:.2f}%")


def test_sentiment_without_scored_comments_is_unavailable(rt, engine):
    intel = get_social_intelligence(make_talent(engine, posts=3, comments_per_post=0))
    out = charts.sentiment_chart(intel.sentiment, ACCENT)
    assert out == '<p class="unavailable">unavailable: no scored audience comments</p>'
    no_shares = Shares(*(metric(None, 0, "share") for _ in range(3)))
    assert "<rect" not in charts.sentiment_chart(replace(intel.sentiment, comment_shares=no_shares), ACCENT)


def test_health_components_are_bars_out_of_100_and_a_missing_one_is_words(rt, engine):
    intel = get_social_intelligence(make_talent(engine, posts=4, comments_per_post=5))
    components = intel.community.health.components
    gone = replace(components, responsiveness=HealthComponent(value=None, weight=0.15, available=False))
    community = replace(intel.community, health=replace(intel.community.health, components=gone))
    svg = charts.health_chart(community, intel.sentiment, intel.overview, ACCENT)
    available = [(name, c) for name, c in gone.items() if c.available]
    assert len(bars(svg)) == len(available) == 3
    for bar, (_, comp) in zip(bars(svg), available, strict=True):
        assert float(bar.get("width") or 0) == pytest.approx((comp.value or 0) / 100 * charts.BAR_W, abs=0.1)
    labels = texts(svg)
    assert "Responsiveness" in labels and "unavailable (no comments)" in labels
    assert f"{components.sentiment.value:.0f}/100, weight 35% (n = {intel.sentiment.comments.n:,} comments)" in labels
    rate = intel.overview.platforms["instagram"].engagement_rate  # the one platform: its last posts' median
    assert f"{components.engagement.value:.0f}/100, weight 30% (n = {rate.n:,} posts)" in labels

    empty = get_social_intelligence(make_talent(engine, posts=0, comments_per_post=0))
    out = charts.health_chart(empty.community, empty.sentiment, empty.overview, ACCENT)
    assert "<rect" not in out and out.startswith('<p class="unavailable">unavailable: ')


def test_the_report_shows_the_charts_beside_their_tables_as_vectors(rt, engine, tmp_path):
    talent = make_talent(engine, posts=4, comments_per_post=5)
    html = build_report(SYSTEM, talent, fmt="html").decode("utf-8")
    performs, sentiment = html.index("<h2>What performs</h2>"), html.index("<h2>Audience sentiment</h2>")
    assert performs < html.index('aria-label="Median engagement by format"') < sentiment
    components = html.index("<h3>Health components")
    assert sentiment < html.index('aria-label="Audience comment sentiment shares"') < components
    assert components < html.index('aria-label="Community health components (0–100)"')
    pdf = tmp_path / "kit.pdf"
    pdf.write_bytes(build_report(SYSTEM, talent, fmt="pdf"))
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) == 2  # no raster image: every chart is vector paths
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "posts)" in text and "comments)" in text  # the bars' n labels are real text in the PDF
