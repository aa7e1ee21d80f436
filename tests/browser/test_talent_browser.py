"""The talent page in a real browser: `streamlit run` on PostgreSQL (demo roster) and the real Redis."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect
from sqlalchemy import delete, select

from intel.db.engine import transaction
from intel.db.models import AdminActivity, Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent
from tests.browser.conftest import (
    DemoDatabase,
    StreamlitServer,
    assert_no_exception,
    dataframe_column,
    full_page_screenshot,
    open_app,
    toast,
    wait_for_app,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module

DEMO_BANNER = "Demo Data — Not Real Analytics"
REFRESHED = "Analytics refreshed and recalculated"
RATE_LIMITED = re.compile(r"Analytics refresh limited to once per hour\. Try again in \d+ min\.")
COMPUTED_AT = re.compile(r"computed (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")


def talent_path(database: DemoDatabase, name: str) -> str:
    return f"talent?talent={database.talent_ids[name]}"


def freshness_caption(page: Page) -> Locator:
    return page.get_by_test_id("stCaptionContainer").filter(has_text="Data as of")


def computed_at(caption: Locator) -> datetime:
    """The exact computed-at time the freshness caption shows (to the second, UTC)."""
    expect(caption).to_contain_text(COMPUTED_AT)
    match = COMPUTED_AT.search(caption.inner_text())
    assert match, caption.inner_text()
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def refresh_button(page: Page) -> Locator:
    return page.locator(".st-key-refresh button")


def test_a_deep_link_opens_the_talent_with_demo_banner_kpis_and_drawn_charts(
    page: Page, pg_demo_server: StreamlitServer, pg_demo_database: DemoDatabase
) -> None:
    open_app(page, pg_demo_server.url, talent_path(pg_demo_database, "Sofia Marques"))

    expect(page.get_by_test_id("stHeading").first).to_have_text("Sofia Marques")
    banner = page.get_by_test_id("stAlert").filter(has=page.get_by_text(DEMO_BANNER, exact=True))
    expect(banner).to_be_visible()
    expect(banner.get_by_test_id("stAlertContentWarning")).to_be_visible()  # st.warning: the amber box
    # Her demo story: a negative-comment surge in the last 7 days trips the early warning.
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Early warning")
    expect(freshness_caption(page)).to_contain_text(COMPUTED_AT)

    charts = wait_for_charts(page, minimum=6)
    assert charts.count() >= 6
    metrics = page.get_by_test_id("stMetric")
    # followers, 30-day growth, engagement per platform, sentiment, health (waits: a rerun may be redrawing)
    expect(metrics.nth(4)).to_be_visible()
    for metric in metrics.all():
        expect(metric).to_be_visible()
        expect(metric.get_by_test_id("stMetricValue")).not_to_be_empty()
    expect(page.get_by_test_id("stMetric").filter(has_text="Total followers")).to_be_visible()
    assert_no_exception(page)

    full_page_screenshot(page, "talent.png")


def test_refresh_recomputes_once_then_the_second_click_is_told_to_wait(
    page: Page, pg_demo_server: StreamlitServer, pg_demo_database: DemoDatabase
) -> None:
    open_app(page, pg_demo_server.url, talent_path(pg_demo_database, "Sofia Marques"))
    caption = freshness_caption(page)
    before = computed_at(caption)
    # The caption shows whole seconds: make sure a recomputation cannot land in the same second.
    time.sleep(max(0.0, (before + timedelta(seconds=1.1) - datetime.now(UTC)).total_seconds()))

    refresh_button(page).click()
    expect(toast(page, REFRESHED)).to_be_visible()
    expect(caption).not_to_contain_text(before.strftime("%H:%M:%S"))
    after = computed_at(caption)
    assert after > before

    wait_for_app(page)
    expect(refresh_button(page)).to_be_enabled()
    refresh_button(page).click()
    expect(toast(page, RATE_LIMITED)).to_be_visible()
    wait_for_app(page)
    assert computed_at(caption) == after  # the limited refresh recomputed nothing
    assert_no_exception(page)


def test_a_double_click_on_refresh_records_exactly_one_refresh(
    page: Page, pg_demo_server: StreamlitServer, pg_demo_database: DemoDatabase
) -> None:
    name = "Maya Chen"  # not refreshed by any other test
    open_app(page, pg_demo_server.url, talent_path(pg_demo_database, name))

    refresh_button(page).dblclick()
    expect(toast(page, REFRESHED)).to_be_visible()
    wait_for_app(page)
    page.wait_for_timeout(500)  # room for a second click's rerun, if one got through, to reach the audit log

    engine = pg_demo_database.engine()
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AdminActivity.details).where(
                    AdminActivity.action == "refresh",
                    AdminActivity.target == f"talent:{pg_demo_database.talent_ids[name]}",
                )
            ).all()
    finally:
        engine.dispose()
    assert [row.details["outcome"] for row in rows] == ["refreshed"]
    expect(toast(page, RATE_LIMITED)).to_have_count(0)
    assert_no_exception(page)


# ----------------------------------------------------------------------------------------------
# User text is rendered as text
# ----------------------------------------------------------------------------------------------

CAPTION_PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
POSITIVE_PAYLOAD = 'Love this so much <script>window.__xss=3</script><img src=x onerror="window.__xss=4">'
NEGATIVE_PAYLOAD = "awful <img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture
def xss_talent(pg_demo_database: DemoDatabase) -> Iterator[int]:
    """A real (non-demo) talent whose top post caption and extreme comments carry HTML/JS payloads.

    Written into the demo PostgreSQL database and deleted afterwards (children follow through
    ON DELETE CASCADE), so the roster keeps its 14 demo talents. Never computed before the test: the
    page's first read is a cache miss and computes it fresh.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    engine = pg_demo_database.engine()
    try:
        with transaction(engine) as s:
            talent = Talent(name="Xavier Probe", primary_handle="@xavierprobe", category="tech", tier="micro")
            profile = SocialProfile(talent=talent, platform="instagram", handle="xavierprobe",
                                    account_id="ig-xss-probe", connected=True, last_synced_at=now)
            s.add_all([talent, profile])
            s.flush()
            for d in range(30):
                day = (now - timedelta(days=d)).date()
                s.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=20_000 - d * 20,
                                       captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))
            for p in range(6):
                posted = now - timedelta(days=p + 1, hours=3)
                post = SocialPost(
                    profile_id=profile.id, platform="instagram", platform_post_id=f"xss-{p}", posted_at=posted,
                    caption=CAPTION_PAYLOAD if p == 0 else f"ordinary post {p}",
                    likes=5_000 if p == 0 else 100 + p,  # the payload post leads the top posts
                    comments=3, shares=1, saves=1,
                    sentiment_score=0.6, sentiment_label="positive", sentiment_engine="test",
                )
                s.add(post)
                s.flush()
                texts = [(POSITIVE_PAYLOAD, 0.99), (NEGATIVE_PAYLOAD, 0.01)] if p == 0 else []
                texts += [(f"nice one {p}", 0.6)]
                for c, (body, score) in enumerate(texts):
                    s.add(Comment(post_id=post.id, platform_comment_id=f"xss-{p}-{c}", author_handle=f"fan{c}",
                                  text=body, created_at=posted + timedelta(minutes=c + 1), sentiment_score=score,
                                  sentiment_label="positive" if score > 0.5 else "negative",
                                  sentiment_engine="test"))
            talent_id = talent.id
        yield talent_id
    finally:
        with transaction(engine) as s:
            s.execute(delete(Talent).where(Talent.name == "Xavier Probe"))
        engine.dispose()


def test_captions_and_comments_with_html_and_scripts_render_as_plain_text(
    page: Page, pg_demo_server: StreamlitServer, xss_talent: int
) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_app(page, pg_demo_server.url, f"talent?talent={xss_talent}")
    expect(page.get_by_test_id("stHeading").first).to_have_text("Xavier Probe")
    expect(freshness_caption(page)).to_contain_text("freshly computed")  # a cache miss, computed now
    wait_for_charts(page, minimum=6)

    positive = page.get_by_test_id("stColumn").filter(
        has=page.get_by_role("heading", name="Most positive comments")).get_by_test_id("stDataFrame")
    expect(dataframe_column(positive, "Comment").first).to_have_text(POSITIVE_PAYLOAD)
    negative = page.get_by_test_id("stColumn").filter(
        has=page.get_by_role("heading", name="Most negative comments")).get_by_test_id("stDataFrame")
    expect(dataframe_column(negative, "Comment").first).to_have_text(NEGATIVE_PAYLOAD)
    top_posts = page.get_by_test_id("stDataFrame").filter(
        has=page.locator("th[role=columnheader]", has_text="Caption"))
    expect(dataframe_column(top_posts, "Caption").first).to_have_text(CAPTION_PAYLOAD)
    # The top-posts chart labels its bars with the caption excerpt: shown as text there too.
    expect(page.get_by_test_id("stPlotlyChart").filter(has_text="Top posts by engagement rate")).to_contain_text(
        "<script>window.__xss=1</script>")

    assert page.evaluate("() => window.__xss") is None
    expect(page.locator('img[src="x"]')).to_have_count(0)
    assert page.locator("script").evaluate_all(
        "(scripts) => scripts.filter((s) => /__xss|alert\\(/.test(s.textContent)).length") == 0
    assert dialogs == []
    assert_no_exception(page)
