"""Plotly figures: right traces and values for demo data, 'No data yet' without data, user text escaped."""

from __future__ import annotations

import dataclasses
import html
import json
from datetime import UTC, datetime

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.result import HealthComponent, SocialIntelligence
from intel.views import charts, languages
from intel.views import compare_charts as charts_compare

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EVIL_CAPTION = '<script>alert(1)</script><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
EVIL_NAME = "<b>Bold</b>"
FORBIDDEN = ("<script", "<a href", "<img", "<b>")

PER_TALENT = {
    "follower_trend": charts.follower_trend_figure,
    "sentiment_trend": charts.sentiment_trend_figure,
    "top_posts": charts.top_posts_figure,
    "media_type": charts.media_type_figure,
    "sponsored": charts.sponsored_figure,
    "best_time": lambda intel: charts.best_time_figure(intel, "instagram"),
    "health": charts.health_figure,
    "languages": languages.language_share_figure,
}
COMPARISON = {
    "growth_indexed": charts_compare.growth_indexed_figure,
    "sentiment_compare": charts_compare.sentiment_compare_figure,
    "engagement_compare": charts_compare.engagement_compare_figure,
}


def build(talent_id: int = 1, name: str = "Demo") -> SocialIntelligence:
    return compute_intelligence(demo_facts(talent_id, name, NOW), NOW)


@pytest.fixture(scope="module")
def demo() -> SocialIntelligence:
    return build(1)


@pytest.fixture(scope="module")
def roster() -> list[SocialIntelligence]:
    return [build(i, f"Talent {i}") for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def empty() -> SocialIntelligence:
    facts = demo_facts(9, "Empty", NOW)
    facts = dataclasses.replace(
        facts, profiles=facts.profiles.iloc[0:0], snapshots=facts.snapshots.iloc[0:0], posts=facts.posts.iloc[0:0],
        comment_days=facts.comment_days.iloc[0:0], extreme_comments=[],
        comment_languages=facts.comment_languages.iloc[0:0],
    )
    return compute_intelligence(facts, NOW)


@pytest.fixture(scope="module")
def evil() -> SocialIntelligence:
    facts = demo_facts(4, EVIL_NAME, NOW)
    posts = facts.posts.assign(caption=EVIL_CAPTION, media_type="<img src=x onerror=alert(1)>")
    return compute_intelligence(dataclasses.replace(facts, posts=posts), NOW)


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def strings(value: object) -> list[str]:
    """Every string inside a decoded JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_inert(fig: go.Figure) -> None:
    raw = fig.to_json()
    decoded = strings(json.loads(raw))  # to_json writes "<" as \u003c, so check the decoded text too
    for bad in FORBIDDEN:
        assert bad not in raw.lower()
        assert not [s for s in decoded if bad in s.lower()], bad


# ---------------------------------------------------------------- shared helpers and layout


def test_escape_text_makes_markup_inert_and_keeps_quotes_renderable():
    assert charts.escape_text('<b>"Hi" & \'yo\'</b>') == "&lt;b&gt;&#34;Hi&#34; &amp; &#x27;yo&#x27;&lt;/b&gt;"
    assert "&quot;" not in charts.escape_text('"')  # Plotly decodes numeric entities but not &quot;


def test_excerpt_is_one_line_and_at_most_40_characters():
    assert charts.excerpt("short\ncaption") == "short caption"
    cut = charts.excerpt("word " * 30)
    assert len(cut) <= 40 and cut.endswith("…")
    assert charts.excerpt(None) == ""


def test_layout_is_consistent(demo):
    fig = charts.follower_trend_figure(demo)
    assert fig.layout.height == charts.HEIGHT == 360
    assert fig.layout.legend.orientation == "h"
    assert fig.layout.hovermode == "x unified"
    assert fig.layout.template == pio.templates["plotly_white"]  # the house style: backgrounds, grid, fonts
    assert charts.health_figure(demo).layout.hovermode == "closest"


def test_house_template_survives_streamlit_setting_its_own(demo):
    # Importing Streamlit's plotly element sets Plotly's process-wide default template to "streamlit"; a page
    # that imports it after the charts module must still get the house style.
    import streamlit.elements.plotly_chart  # noqa: F401

    pio.templates.default = "streamlit"
    assert charts.follower_trend_figure(demo).layout.template == pio.templates["plotly_white"]
    assert charts.no_data_figure("x").layout.template == pio.templates["plotly_white"]


# ---------------------------------------------------------------- per-talent figures


def test_follower_trend_has_one_line_per_platform_ending_at_latest_followers(demo):
    fig = charts.follower_trend_figure(demo)
    assert {t.name for t in fig.data} == {"Instagram", "TikTok"}
    by_name = {t.name: t for t in fig.data}
    for platform, label in (("instagram", "Instagram"), ("tiktok", "TikTok")):
        trace = by_name[label]
        assert trace.y[-1] == demo.overview.platforms[platform].followers.value
        assert len(trace.x) == len(demo.follower_trend[platform])
        assert trace.x[0] == demo.follower_trend[platform][0][0]
        assert trace.line.color == charts.PLATFORM_COLORS[platform]


def test_sentiment_trend_stacks_shares_under_the_weekly_score(demo):
    fig = charts.sentiment_trend_figure(demo)
    assert [t.name for t in fig.data] == ["Positive", "Neutral", "Negative", "Mean comment score"]
    assert fig.layout.barmode == "stack"
    weeks = [w for w in demo.sentiment.weekly if w.comments]
    line = fig.data[3]
    assert line.yaxis == "y2" and list(line.y) == [w.comment_score for w in weeks]
    assert list(fig.data[0].y) == [w.positive_share for w in weeks]
    assert [t.marker.color for t in fig.data[:3]] == [c for _, _, c in charts.SENTIMENT_SHARES]
    assert sum(t.y[-1] for t in fig.data[:3]) == pytest.approx(100, abs=0.05)
    assert list(fig.layout.yaxis2.range) == [0, 1]


def test_top_posts_are_bars_of_engagement_with_short_labels(demo):
    fig = charts.top_posts_figure(demo)
    (bars,) = fig.data
    top = demo.content.top_posts
    assert bars.orientation == "h"
    assert list(bars.x) == [p.engagement_rate for p in top]
    assert bars.y[0] == f"1. Instagram · {top[0].posted_at[:10]}<br>{top[0].caption}"
    for label in bars.y:
        assert len(html.unescape(label.split("<br>", 1)[1])) <= 40
    assert fig.layout.xaxis.ticksuffix == "%"


def test_top_posts_truncate_long_captions(demo):
    post = dataclasses.replace(demo.content.top_posts[0], caption="A very long caption " * 10)
    intel = dataclasses.replace(demo, content=dataclasses.replace(demo.content, top_posts=(post,)))
    label = charts.top_posts_figure(intel).data[0].y[0]
    assert label.endswith("…") and len(label.split("<br>", 1)[1]) <= 40


def test_media_type_bars_are_grouped_per_platform(demo):
    fig = charts.media_type_figure(demo)
    assert [t.name for t in fig.data] == ["Image", "Video"]
    assert fig.layout.barmode == "group"
    image = next(r for r in demo.content.by_media_type if r.media_type == "image")
    assert list(fig.data[0].x) == ["Instagram"]
    assert fig.data[0].y[0] == image.engagement_rate.value
    assert fig.data[0].customdata[0] == image.engagement_rate.n


def test_sponsored_vs_organic_per_platform(demo):
    fig = charts.sponsored_figure(demo)
    assert [t.name for t in fig.data] == ["Sponsored", "Organic"]
    section = demo.content.sponsored_vs_organic
    assert list(fig.data[0].x) == ["Instagram", "TikTok"]
    assert list(fig.data[1].y) == [section["instagram"].organic.value, section["tiktok"].organic.value]


def test_best_time_is_a_weekday_by_hour_heatmap_with_blank_empty_cells(demo):
    fig = charts.best_time_figure(demo, "instagram")
    (heat,) = fig.data
    assert heat.type == "heatmap" and list(heat.y) == list(charts.WEEKDAYS) and list(heat.x) == list(range(24))
    cells = demo.content.best_time["instagram"].cells
    cell = cells[0]
    assert heat.z[cell.weekday][cell.hour] == cell.engagement_rate
    assert heat.customdata[cell.weekday][cell.hour] == cell.posts
    filled = {(c.weekday, c.hour) for c in cells}
    blank = next((d, h) for d in range(7) for h in range(24) if (d, h) not in filled)
    assert heat.z[blank[0]][blank[1]] is None and heat.hoverongaps is False
    assert "Posts: %{customdata}" in heat.hovertemplate
    best = demo.content.best_time["instagram"].best
    assert f"best: {charts.WEEKDAYS[best.weekday]} {best.hour:02d}:00 UTC" in fig.layout.title.text


def test_best_time_for_a_platform_without_posts_says_no_data(demo):
    assert annotations(charts.best_time_figure(demo, "youtube")) == [charts.NO_DATA]


def test_health_shows_components_with_weights_and_the_score(demo):
    fig = charts.health_figure(demo)
    (bars,) = fig.data
    health = demo.community.health
    assert list(bars.y) == [c.value for _, c in health.components.items()]
    assert bars.x[0] == "Sentiment<br>weight 35%"
    assert f"{health.score.value:.1f} / 100" in fig.layout.title.text


def test_health_marks_unavailable_components(demo):
    health = demo.community.health
    components = dataclasses.replace(health.components, responsiveness=HealthComponent(None, 0.15, False))
    intel = dataclasses.replace(demo, community=dataclasses.replace(
        demo.community, health=dataclasses.replace(health, components=components)))
    bars = charts.health_figure(intel).data[0]
    assert bars.x[-1] == "Responsiveness<br>weight 15% · no data" and bars.y[-1] is None


# ---------------------------------------------------------------- comparison figures


def test_growth_index_starts_at_100_with_one_line_per_talent(roster):
    fig = charts_compare.growth_indexed_figure(roster)
    assert [t.name for t in fig.data] == ["Talent 1", "Talent 2", "Talent 3"]
    for trace, intel in zip(fig.data, roster, strict=True):
        assert trace.y[0] == 100
        first = sum(points[0][1] for points in intel.follower_trend.values())
        assert trace.y[-1] == pytest.approx(intel.overview.total_followers.value / first * 100, abs=0.01)
    assert fig.layout.hovermode == "x unified"


def test_growth_index_uses_the_first_common_day_and_forward_fills(demo):
    late = dataclasses.replace(demo, talent_name="Late", follower_trend={
        "instagram": [("2026-02-01", 100), ("2026-02-03", 150)],
        "tiktok": [("2026-01-20", 50), ("2026-02-02", 60), ("2026-02-04", 70)],
    })
    fig = charts_compare.growth_indexed_figure([demo, late])
    early, later = fig.data
    assert early.x[0] == later.x[0] == "2026-02-01"
    assert early.y[0] == later.y[0] == 100
    # 2026-02-01: 100 + 50 = 150; 02-02: 100 + 60; 02-03: 150 + 60; 02-04: 150 + 70 (forward-filled)
    assert list(later.x) == ["2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04"]
    assert list(later.y) == pytest.approx([100, 160 / 150 * 100, 210 / 150 * 100, 220 / 150 * 100], abs=0.01)


def test_sentiment_compare_has_one_weekly_line_per_talent(roster):
    fig = charts_compare.sentiment_compare_figure(roster)
    assert [t.name for t in fig.data] == ["Talent 1", "Talent 2", "Talent 3"]
    weeks = [w for w in roster[1].sentiment.weekly if w.comments]
    assert list(fig.data[1].y) == [w.comment_score for w in weeks]
    assert list(fig.data[1].x) == [w.week for w in weeks]


def test_engagement_compare_groups_platforms_without_mixing_them(roster):
    fig = charts_compare.engagement_compare_figure(roster)
    assert [t.name for t in fig.data] == ["Instagram", "TikTok"]
    assert fig.layout.barmode == "group"
    for trace, platform in zip(fig.data, ("instagram", "tiktok"), strict=True):
        assert list(trace.x) == ["Talent 1", "Talent 2", "Talent 3"]
        assert list(trace.y) == [i.overview.platforms[platform].engagement_rate.value for i in roster]
        assert trace.marker.color == charts.PLATFORM_COLORS[platform]


def test_talents_sharing_a_name_are_told_apart(demo):
    twin = dataclasses.replace(demo, talent_id=7)
    assert charts_compare.talent_labels([demo, twin]) == ["Demo (#1)", "Demo (#7)"]


# ---------------------------------------------------------------- missing data, escaping, purity


@pytest.mark.parametrize("name", PER_TALENT)
def test_per_talent_figures_without_data_say_no_data_yet(empty, name):
    fig = PER_TALENT[name](empty)
    assert isinstance(fig, go.Figure)
    assert annotations(fig) == [charts.NO_DATA] and not fig.data


@pytest.mark.parametrize("name", COMPARISON)
@pytest.mark.parametrize("count", [0, 2])
def test_comparison_figures_without_data_say_no_data_yet(empty, name, count):
    fig = COMPARISON[name]([empty] * count)
    assert annotations(fig) == [charts.NO_DATA] and not fig.data


@pytest.mark.parametrize("name", PER_TALENT)
def test_demo_figures_have_data_and_no_placeholder(demo, name):
    fig = PER_TALENT[name](demo)
    assert fig.data and charts.NO_DATA not in annotations(fig)


@pytest.mark.parametrize("name", [*PER_TALENT, *COMPARISON])
def test_user_text_never_reaches_a_figure_as_markup(evil, demo, name):
    fig = PER_TALENT[name](evil) if name in PER_TALENT else COMPARISON[name]([evil, demo])
    assert_inert(fig)


def test_escaped_user_text_is_still_shown(evil, demo):
    label = charts.top_posts_figure(evil).data[0].y[0]
    assert "&lt;script&gt;" in label
    assert html.unescape(label.split("<br>", 1)[1]) == charts.excerpt(EVIL_CAPTION)
    names = [t.name for t in charts_compare.growth_indexed_figure([evil, demo]).data]
    assert names[0] == "&lt;b&gt;Bold&lt;/b&gt;"


def test_odd_platform_names_are_escaped(demo):
    intel = dataclasses.replace(demo, follower_trend={"<img src=x onerror=alert(1)>": [("2026-02-01", 5)]})
    assert_inert(charts.follower_trend_figure(intel))
    assert_inert(charts.best_time_figure(demo, "<b>x</b>"))


@pytest.mark.parametrize("name", [*PER_TALENT, *COMPARISON])
def test_figures_are_pure_and_deterministic(roster, name):
    before = [i.to_json() for i in roster]
    make = PER_TALENT.get(name)
    first = (make(roster[0]) if make else COMPARISON[name](roster)).to_json()
    second = (make(roster[0]) if make else COMPARISON[name](roster)).to_json()
    assert first == second
    assert [i.to_json() for i in roster] == before


def test_figures_from_a_json_round_trip_match(demo):
    again = SocialIntelligence.from_json(demo.to_json())
    for make in PER_TALENT.values():
        assert make(again).to_json() == make(demo).to_json()
