"""User text in a real browser: talent names and comments that look like Markdown show as typed.

A served app (`streamlit run server.py`, demo mode, SQLite) holds one talent per hostile string, named
with it and with a comment saying it. Streamlit's frontend adds GFM autolinks, directives, math, emoji
and icons on top of CommonMark, so only Chromium can tell that none of them fires.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from intel.db.engine import make_engine, transaction
from intel.db.migrate import upgrade
from intel.db.models import Comment, SocialPost, SocialProfile
from intel.views.text import WORD_JOINER
from tests.browser.conftest import StreamlitServer, assert_no_exception, dataframe_column, open_app
from tests.factories import make_talent
from tests.markdown import HOSTILE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Beyond CommonMark: what Streamlit's renderer rewrites in text (logo image, emoji, arrows, literal links).
NAMES: tuple[str, ...] = (*HOSTILE, ":streamlit: :smile: a -> b", "www.evil.example or a@evil.example",
                          ":blue-badge[x] :small[x] :color[x]{foreground=red}")
# Elements any of those strings would have produced had they been taken as Markdown.
MARKUP = ("a", "img", "strong", "em", "code", "del", ".katex", "span[role=img]", "span[style]",
          "[class*=stMarkdownColored]", "[class*=stMarkdownBadge]", "h1", "h3", "ul", "ol", "blockquote")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A served app whose talents are named with NAMES, each with a comment of the same text."""
    folder = tmp_path_factory.mktemp("markdown")
    url = f"sqlite:///{folder / 'hostile.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        ids = {name: make_talent(engine, name=name, posts=2, comments_per_post=1) for name in NAMES}
        with transaction(engine) as session:
            for name, talent_id in ids.items():
                posts = select(SocialPost.id).join(SocialProfile, SocialPost.profile_id == SocialProfile.id)
                session.execute(update(Comment).where(Comment.post_id.in_(posts.where(
                    SocialProfile.talent_id == talent_id))).values(text=name))
    finally:
        engine.dispose()
    env = {"INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": url, "REDIS_URL": None}
    with StreamlitServer(folder / "server.log", env=env, startup_timeout=90) as server:
        yield server.url, ids


def shown(text: str) -> str:
    """Visible text as the reader sees it (the escape's word joiners are invisible)."""
    return text.replace(WORD_JOINER, "")


def _check_talent_page(page: Page, base_url: str, talent_id: int, name: str) -> None:
    open_app(page, base_url, f"talent?talent={talent_id}")
    assert_no_exception(page)
    heading = page.get_by_test_id("stMain").get_by_test_id("stHeading").first
    expect(heading).to_be_visible()
    assert shown(heading.inner_text()).strip() == name, f"heading {shown(heading.inner_text())!r}"
    for selector in MARKUP:
        expect(heading.locator(selector), f"{selector} in the heading").to_have_count(0)
    main = page.get_by_test_id("stMain")
    expect(main.locator("a[href*='evil.example']")).to_have_count(0)
    expect(main.locator("img[src*='y.png'], img[alt='Streamlit logo']")).to_have_count(0)
    # The picker's options are plain text: the name as typed, with no escaping backslashes.
    expect(page.get_by_role("combobox", name="Talent")).to_have_value(name)
    comments = page.get_by_test_id("stColumn").filter(
        has=page.get_by_role("heading", name="Most positive comments")).get_by_test_id("stDataFrame")
    comments.scroll_into_view_if_needed()
    expect(dataframe_column(comments, "Comment")).to_have_text([name] * 2)


def test_every_markdown_looking_talent_name_and_comment_shows_as_typed(
    page: Page, hostile_app: tuple[str, dict[str, int]]
) -> None:
    """One browser page visits each hostile talent in turn (a warm load each, not a fresh context); every
    name is checked on its own and each failing one is named."""
    base_url, ids = hostile_app
    failures: list[str] = []
    for name in NAMES:
        try:
            _check_talent_page(page, base_url, ids[name], name)
        except AssertionError as exc:
            failures.append(f"{name!r}: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
    assert not failures, f"{len(failures)} of {len(NAMES)} names not shown as typed:\n" + "\n".join(failures)


def test_the_roster_lists_the_names_as_typed(page: Page, hostile_app: tuple[str, dict[str, int]]) -> None:
    base_url, _ = hostile_app
    open_app(page, base_url)
    roster = page.get_by_test_id("stDataFrame").first
    expect(dataframe_column(roster, "Talent")).to_have_text(sorted(NAMES))
