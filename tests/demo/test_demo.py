"""The demo roster: deterministic, realistic, idempotent, loaded in one transaction, never touching real data.

Read-only checks share one load per database (the `demo` fixture: rows read back, tables emptied
at once); tests that write use the `engine` fixture. Both run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import statistics
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, insert, select

import intel.demo.generate as demo_module
from intel.db.models import (
    MEDIA_TYPES,
    PLATFORMS,
    SENTIMENT_LABELS,
    TIERS,
    Comment,
    FollowerSnapshot,
    SocialPost,
    SocialProfile,
    Talent,
)
from intel.demo.generate import DEFAULT_SEED, DemoSummary, load_demo
from intel.demo.text import LOCAL_BANKS, PRAISE
from intel.text.language import NO_WORDS, SUPPORTED
from intel.text.scoring import engine_version
from tests.factories import empty_tables

TODAY = date(2025, 6, 30)
SYNC = datetime.combine(TODAY, time(0, 30), UTC)  # today's nightly sync: all posts and comments are older
Rows = dict[str, list[dict[str, Any]]]
TABLES = ("talents", "profiles", "snapshots", "posts", "comments")
PRAISE_TEXTS = {p + tail for p in PRAISE for tail in ("", "!", "!!", " ❤️", " 😍", " 🔥", " 🙌", " omg", " tbh")}


def _dump(engine: Engine) -> Rows:
    """Every row of every roster table without surrogate ids: parents named by natural keys, sorted."""
    t, p, s = Talent.__table__, SocialProfile.__table__, FollowerSnapshot.__table__
    po, c = SocialPost.__table__, Comment.__table__

    def cols(table: Any, *fk: str) -> list[Any]:
        return [col for col in table.c if col.name not in ("id", *fk)]

    talent = t.c.primary_handle.label("talent")
    profile = p.c.account_id.label("profile")
    queries = {
        "talents": select(*cols(t)).order_by(t.c.primary_handle),
        "profiles": select(talent, *cols(p, "talent_id"))
        .select_from(p.join(t))
        .order_by(p.c.platform, p.c.account_id),
        "snapshots": select(talent, profile, *cols(s, "profile_id"))
        .select_from(s.join(p).join(t))
        .order_by(p.c.platform, p.c.account_id, s.c.captured_on),
        "posts": select(talent, profile, *cols(po, "profile_id"))
        .select_from(po.join(p).join(t))
        .order_by(po.c.platform, po.c.platform_post_id),
        "comments": select(talent, po.c.platform, po.c.platform_post_id, *cols(c, "post_id"))
        .select_from(c.join(po).join(p).join(t))
        .order_by(po.c.platform, po.c.platform_post_id, c.c.platform_comment_id),
    }
    with engine.connect() as conn:
        return {name: [dict(row._mapping) for row in conn.execute(q)] for name, q in queries.items()}



def _counts(engine: Engine) -> dict[str, int]:
    models = (Talent, SocialProfile, FollowerSnapshot, SocialPost, Comment)
    with engine.connect() as conn:
        counts = [conn.scalar(select(func.count()).select_from(model)) for model in models]
    return dict(zip(TABLES, counts, strict=True))


@dataclass(frozen=True)
class Loaded:
    """The default demo roster as read back from one database."""

    summary: DemoSummary
    rows: Rows
    demo_ids: list[int]

    def by_talent(self, table: str) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows[table]:
            grouped[row["talent"]].append(row)
        return grouped


@pytest.fixture(scope="module")
def demo(session_engine: Engine) -> Iterator[Loaded]:
    """The default-seed roster loaded once per database, read back, and the tables emptied again."""
    try:
        summary = load_demo(session_engine, today=TODAY)
        with session_engine.connect() as conn:
            ids = list(conn.scalars(select(Talent.id).where(Talent.is_demo.is_(True)).order_by(Talent.id)))
        loaded = Loaded(summary, _dump(session_engine), ids)
    finally:
        empty_tables(session_engine)
    yield loaded


# ---------------------------------------------------------------- determinism and idempotence


@pytest.mark.slow  # loads the whole demo roster, twice or more
def test_the_same_seed_and_day_give_identical_rows_in_every_table(engine: Engine) -> None:
    load_demo(engine, seed=DEFAULT_SEED, today=TODAY)
    first = _dump(engine)
    load_demo(engine, seed=DEFAULT_SEED, today=TODAY)
    assert _dump(engine) == first
    assert all(first[name] for name in TABLES)


@pytest.mark.slow  # loads the whole demo roster, twice or more
def test_a_different_seed_gives_different_data(engine: Engine) -> None:
    load_demo(engine, seed=DEFAULT_SEED, today=TODAY)
    first = _dump(engine)
    load_demo(engine, seed=DEFAULT_SEED + 1, today=TODAY)
    second = _dump(engine)
    for name in ("snapshots", "posts", "comments"):
        assert second[name] != first[name], name


@pytest.mark.slow  # loads the whole demo roster, twice or more
def test_loading_twice_keeps_one_demo_roster_and_the_real_talent_inserted_before(engine: Engine) -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with engine.begin() as conn:
        real_id = conn.execute(
            insert(Talent).returning(Talent.id),
            {"name": "Real Person", "primary_handle": "realperson", "category": "music", "tier": "micro",
             "agent_id": None, "is_demo": False, "created_at": now},
        ).scalar_one()  # fmt: skip
        conn.execute(
            insert(SocialProfile),
            {"talent_id": real_id, "platform": "instagram", "handle": "realperson", "account_id": "42",
             "connected": True, "last_synced_at": now, "is_demo": False},
        )  # fmt: skip
    first = load_demo(engine, today=TODAY)
    after_first = _counts(engine)
    second = load_demo(engine, today=TODAY)
    assert _counts(engine) == after_first
    assert (second.talents, second.posts, second.comments) == (first.talents, first.posts, first.comments)
    assert after_first["talents"] == first.talents + 1
    with engine.connect() as conn:
        real = conn.execute(select(Talent.name, Talent.is_demo).where(Talent.id == real_id)).one()
        profiles = conn.scalar(select(func.count()).where(SocialProfile.talent_id == real_id))
        demo_ids = conn.scalars(select(Talent.id).where(Talent.is_demo.is_(True)).order_by(Talent.id)).all()
    assert tuple(real) == ("Real Person", False) and profiles == 1
    assert tuple(demo_ids) == tuple(sorted(second.talent_ids))


@pytest.mark.slow  # loads the whole demo roster, twice or more
def test_a_load_that_fails_midway_leaves_the_previous_roster_untouched(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(engine, today=TODAY)
    before = _dump(engine)
    original = demo_module.bulk_insert

    def failing_insert(conn: Any, model: Any, rows: Any, **kwargs: Any) -> list[int]:
        if model is Comment:
            raise RuntimeError("disk full")
        return original(conn, model, rows, **kwargs)

    monkeypatch.setattr(demo_module, "bulk_insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        load_demo(engine, seed=DEFAULT_SEED + 1, today=TODAY)
    assert _dump(engine) == before


def test_a_datetime_for_today_is_refused() -> None:
    with pytest.raises(TypeError, match="date"):
        load_demo(None, today=datetime(2025, 6, 30, tzinfo=UTC))  # type: ignore[arg-type]


# ---------------------------------------------------------------- roster shape


@pytest.mark.slow
def test_the_summary_reports_the_rows_written_and_the_demo_talent_ids(demo: Loaded) -> None:
    s = demo.summary
    written = tuple(len(demo.rows[name]) for name in TABLES)
    assert (s.talents, s.profiles, s.snapshots, s.posts, s.comments) == written
    assert sorted(s.talent_ids) == demo.demo_ids


def test_the_roster_has_fourteen_varied_talents_across_instagram_tiktok_and_youtube(demo: Loaded) -> None:
    talents = demo.rows["talents"]
    assert len(talents) == 14
    assert len({t["primary_handle"] for t in talents}) == 14
    assert len({t["category"] for t in talents}) >= 8
    assert {t["tier"] for t in talents} <= set(TIERS) and len({t["tier"] for t in talents}) >= 4
    assert {p["platform"] for p in demo.rows["profiles"] if p["connected"]} == set(PLATFORMS)
    assert all(t["agent_id"] is None for t in talents)


def test_exactly_two_talents_have_no_connected_account_and_no_data(demo: Loaded) -> None:
    connected = {p["talent"] for p in demo.rows["profiles"] if p["connected"]}
    unconnected = {t["primary_handle"] for t in demo.rows["talents"]} - connected
    assert len(unconnected) == 2
    for handle in unconnected:
        assert handle not in demo.by_talent("snapshots") and handle not in demo.by_talent("posts")
        assert all(p["last_synced_at"] is None for p in demo.by_talent("profiles")[handle])


def test_each_connected_talent_has_between_50_and_400_posts(demo: Loaded) -> None:
    posts = demo.by_talent("posts")
    connected = {p["talent"] for p in demo.rows["profiles"] if p["connected"]}
    assert len(connected) == 12
    assert {handle: 50 <= len(posts[handle]) <= 400 for handle in connected} == dict.fromkeys(connected, True)


def test_each_connected_profile_has_one_snapshot_a_day_for_the_365_days_ending_today(demo: Loaded) -> None:
    days: dict[str, list[date]] = defaultdict(list)
    for snap in demo.rows["snapshots"]:
        days[snap["profile"]].append(snap["captured_on"])
        assert snap["captured_at"].tzinfo is not None and snap["captured_at"].date() == snap["captured_on"]
        assert snap["followers"] > 0 and snap["posts_count"] > 0
    expected = [TODAY - timedelta(days=n) for n in range(364, -1, -1)]
    connected = [p["account_id"] for p in demo.rows["profiles"] if p["connected"]]
    assert sorted(days) == sorted(connected)
    assert all(sorted(days[profile]) == expected for profile in connected)


def test_follower_curves_grow_and_some_show_a_viral_spike_or_a_drop(demo: Loaded) -> None:
    curves: dict[str, list[int]] = defaultdict(list)
    for snap in demo.rows["snapshots"]:
        curves[snap["profile"]].append(snap["followers"])
    grew = [c for c in curves.values() if c[-1] > c[0]]
    spikes = [c for c in curves.values() if max(c[d + 3] / c[d] for d in range(len(c) - 3)) > 1.10]
    drops = [c for c in curves.values() if min(c[d + 7] / c[d] for d in range(len(c) - 7)) < 0.98]
    assert len(grew) >= len(curves) * 0.7
    assert 3 <= len(spikes) < len(curves) and 2 <= len(drops) < len(curves)


def test_media_types_and_view_counts_fit_each_platform(demo: Loaded) -> None:
    allowed = {"instagram": {"image", "carousel", "reel", "story"}, "tiktok": {"video"},
               "youtube": {"video", "short"}}  # fmt: skip
    seen: dict[str, set[str]] = defaultdict(set)
    for post in demo.rows["posts"]:
        seen[post["platform"]].add(post["media_type"])
        without_views = post["platform"] == "instagram" and post["media_type"] in {"image", "carousel"}
        assert (post["views"] is None) == without_views, post
    assert seen == allowed and set().union(*seen.values()) <= set(MEDIA_TYPES)


def test_engagement_is_plausible_for_the_followers_at_posting_time(demo: Loaded) -> None:
    followers = {(s["profile"], s["captured_on"]): s["followers"] for s in demo.rows["snapshots"]}
    stored = Counter((c["platform"], c["platform_post_id"]) for c in demo.rows["comments"])
    like_rates: dict[str, list[float]] = defaultdict(list)
    for post in demo.rows["posts"]:
        assert post["posted_at"] < SYNC
        assert min(post["likes"], post["shares"], post["saves"]) >= 0
        assert post["comments"] >= stored[(post["platform"], post["platform_post_id"])] >= 5
        assert post["views"] is None or post["likes"] <= post["views"]
        day_followers = followers[(post["profile"], post["posted_at"].date())]
        like_rates[post["platform"]].append(post["likes"] / day_followers)
    assert all(0.005 < statistics.median(rates) < 0.15 for rates in like_rates.values()), like_rates.keys()


def test_every_demo_talent_lives_in_a_time_zone_of_its_own(demo: Loaded) -> None:
    zones = {t["primary_handle"]: t["timezone"] for t in demo.rows["talents"]}
    assert all(zone in zoneinfo.available_timezones() for zone in zones.values())
    assert len(set(zones.values())) >= 10  # the demo shows local times around the world, not one zone


def test_engagement_depends_on_the_local_weekday_and_hour_of_posting(demo: Loaded) -> None:
    followers = {(s["profile"], s["captured_on"]): s["followers"] for s in demo.rows["snapshots"]}
    zones = {t["primary_handle"]: ZoneInfo(t["timezone"]) for t in demo.rows["talents"]}
    by_weekday: dict[int, list[float]] = defaultdict(list)
    by_hour: dict[bool, list[float]] = defaultdict(list)
    for post in demo.rows["posts"]:
        if post["views"] is None:  # feed posts: likes relative to followers compare across profiles
            rate = post["likes"] / followers[(post["profile"], post["posted_at"].date())]
            local = post["posted_at"].astimezone(zones[post["talent"]])
            by_weekday[local.weekday()].append(rate)
            by_hour[17 <= local.hour <= 21].append(rate)
    weekend = statistics.median(by_weekday[5] + by_weekday[6])
    assert weekend > 1.1 * statistics.median(by_weekday[0])
    assert statistics.median(by_hour[True]) > 1.1 * statistics.median(by_hour[False])


# ---------------------------------------------------------------- captions, comments and sentiment


def test_positive_neutral_and_negative_comments_each_make_up_at_least_ten_percent(demo: Loaded) -> None:
    labels = Counter(c["sentiment_label"] for c in demo.rows["comments"] if c["sentiment_label"] is not None)
    total = sum(labels.values())
    assert set(labels) == set(SENTIMENT_LABELS)
    assert all(labels[label] >= 0.10 * total for label in SENTIMENT_LABELS), labels


def test_comments_include_emoji_only_non_english_spam_slang_and_talent_replies(demo: Loaded) -> None:
    texts = [c["text"] for c in demo.rows["comments"]]
    emoji_only = [t for t in texts if t.strip() and not any(ch.isalnum() for ch in t)]
    japanese = [t for t in texts if any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in t)]
    accented = [t for t in texts if any(ch.isalpha() and "\u00c0" <= ch <= "\u024f" for ch in t)]
    assert {"😍😍", "🔥🔥🔥", "😡"} <= set(emoji_only)
    assert len(japanese) >= 10 and len(accented) >= 10
    assert any("free followers" in t for t in texts) and any("www." in t for t in texts)
    assert {"this slaps", "mid"} <= set(texts)
    replies = [c for c in demo.rows["comments"] if c["is_talent_reply"]]
    assert len(replies) >= 100
    assert all(c["author_handle"] == c["talent"] for c in replies)
    fans = [c for c in demo.rows["comments"] if not c["is_talent_reply"]]
    assert not any(c["author_handle"] == c["talent"] for c in fans)


def test_some_posts_are_sponsored_and_exactly_those_carry_ad(demo: Loaded) -> None:
    posts = demo.rows["posts"]
    sponsored = [p for p in posts if p["is_sponsored"]]
    assert 0.05 * len(posts) < len(sponsored) < 0.25 * len(posts)
    assert all(("#ad" in p["caption"].split()) == p["is_sponsored"] for p in posts)
    assert sum("#" in p["caption"] for p in posts) == len(posts)
    assert sum("@" in p["caption"] for p in posts) > 0.1 * len(posts)


def test_html_like_text_is_stored_verbatim_in_captions_and_comments(demo: Loaded) -> None:
    captions = [p["caption"] for p in demo.rows["posts"]]
    comments = [c["text"] for c in demo.rows["comments"]]
    for texts in (captions, comments):
        assert any("<script>alert(1)</script>" in t or "<img src=x onerror=alert(1)>" in t for t in texts)


def test_one_talent_has_a_surge_of_negative_comments_in_the_last_seven_days(demo: Loaded) -> None:
    window = SYNC - timedelta(days=7)
    surging = []
    for handle, comments in demo.by_talent("comments").items():
        recent = [c["sentiment_label"] == "negative" for c in comments if c["created_at"] >= window]
        earlier = [c["sentiment_label"] == "negative" for c in comments if c["created_at"] < window]
        assert all(c["created_at"] < SYNC for c in comments)
        if len(recent) >= 30 and statistics.mean(recent) >= 0.5:
            surging.append((handle, statistics.mean(earlier)))
    assert len(surging) == 1
    assert surging[0][0] == "sofiamarques.style" and surging[0][1] < 0.3


def test_everything_is_marked_demo_and_scored_by_the_current_sentiment_engine(demo: Loaded) -> None:
    assert all(t["is_demo"] for t in demo.rows["talents"])
    assert all(p["is_demo"] for p in demo.rows["profiles"])
    version = engine_version()
    for row in demo.rows["posts"] + demo.rows["comments"]:
        assert row["sentiment_engine"] == version
        if row["language"] in SUPPORTED or row["language"] in (NO_WORDS, None):
            assert row["sentiment_label"] in SENTIMENT_LABELS and 0.0 <= row["sentiment_score"] <= 1.0
        else:  # a language no engine reads (the demo's Japanese and Korean fans): unavailable, not neutral
            assert row["sentiment_label"] is None and row["sentiment_score"] is None


def _fans(demo: Loaded, handle: str) -> list[dict[str, Any]]:
    return [c for c in demo.by_talent("comments")[handle] if not c["is_talent_reply"]]


@pytest.mark.parametrize(("handle", "code", "low", "high"), [
    ("sofiamarques.style", "pt", 0.3, 0.65),  # her controversy's comments (in English) dilute her Portuguese
    ("diegoplays", "es", 0.45, 0.65), ("chloebakes", "fr", 0.35, 0.55), ("lucacooks", "it", 0.25, 0.45),
    ("kenjiframes", "ja", 0.2, 0.4), ("priyalifts", "hi", 0.15, 0.35), ("aishareads", "ar", 0.1, 0.3),
])
def test_some_audiences_write_mostly_or_partly_in_their_talents_language(demo: Loaded, handle: str, code: str,
                                                                          low: float, high: float) -> None:
    local = {t for bank in LOCAL_BANKS[code] for t in bank}
    fans = _fans(demo, handle)
    share = sum(c["text"] in local for c in fans) / len(fans)
    assert low <= share <= high, (handle, share)
    assert sum(c["text"] in PRAISE_TEXTS for c in fans) > 0.1 * len(fans)  # and still English praise


def test_an_english_speaking_audience_writes_few_other_languages(demo: Loaded) -> None:
    local = {t for banks in LOCAL_BANKS.values() for bank in banks for t in bank}
    fans = _fans(demo, "samtechtalks")
    assert sum(c["text"] in local for c in fans) < 0.1 * len(fans)


def test_an_english_speaking_audience_is_detected_as_mostly_english(demo: Loaded) -> None:
    found = Counter(c["language"] for c in _fans(demo, "samtechtalks"))
    assert found["en"] > 0.6 * sum(found.values()), found


def test_japanese_comments_are_japanese_with_sentiment_unavailable(demo: Loaded) -> None:
    japanese = [c for c in demo.by_talent("comments")["kenjiframes"]
                if any("\u3040" <= ch <= "\u30ff" for ch in c["text"])]
    assert len(japanese) >= 10
    assert {c["language"] for c in japanese} == {"ja"}
    assert all(c["sentiment_score"] is None for c in japanese)
