"""Comment languages: shares and sentiment per language from stored comments, on both databases."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from intel.analytics.assemble import compute_intelligence
from intel.analytics.facts import LANGUAGE_COLUMNS, load_facts
from intel.analytics.languages import comment_languages
from intel.analytics.result import LanguageShare, SocialIntelligence
from intel.db.models import Comment, SocialPost, SocialProfile, Talent

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
_ids = itertools.count(1)
LABEL_SCORES = {"positive": 0.9, "neutral": 0.5, "negative": 0.1}


def _talent(session: Session) -> tuple[int, int]:
    """A talent with one connected profile and one post; returns (talent id, post id)."""
    n = next(_ids)
    talent = Talent(name=f"Lang {n}", primary_handle=f"@lang{n}")
    profile = SocialProfile(talent=talent, platform="instagram", handle=f"lang{n}", account_id=f"lang-{n}",
                            connected=True, last_synced_at=NOW)
    session.add_all([talent, profile])
    session.flush()
    post = SocialPost(profile_id=profile.id, platform="instagram", platform_post_id=f"lang-{n}",
                      posted_at=NOW - timedelta(days=3), likes=10, comments=0, shares=0, saves=0, caption="hi")
    session.add(post)
    session.flush()
    return talent.id, post.id


def _comments(session: Session, post_id: int, language: str | None, labels: dict[str | None, int], *,
              reply: bool = False, kind: str = "substantive", at: datetime | None = None) -> None:
    """`labels[label]` comments in `language` with that label (None: unscored, no engine for the language)."""
    for label, count in labels.items():
        for _ in range(count):
            i = next(_ids)
            session.add(Comment(
                post_id=post_id, platform_comment_id=f"c{i}", text=f"comment {i}",
                created_at=at or NOW - timedelta(days=2, minutes=i % 600), is_talent_reply=reply, kind=kind,
                sentiment_score=None if label is None else LABEL_SCORES[label], sentiment_label=label,
                sentiment_engine="test", language=language, language_confidence=None if language is None else 0.9))
    session.flush()


@pytest.fixture
def intel(session: Session) -> SocialIntelligence:
    talent_id, post = _talent(session)
    _comments(session, post, "en", {"positive": 30, "neutral": 20, "negative": 10})
    _comments(session, post, "pt", {"positive": 15, "negative": 5})
    _comments(session, post, "ja", {None: 12})  # no engine: counted, never scored
    _comments(session, post, "fr", {"positive": 9})  # 7 % but fewer than 10 comments: other languages
    _comments(session, post, "ko", {None: 4})
    _comments(session, post, "zxx", {"positive": 10})
    _comments(session, post, None, {"neutral": 6})  # scored before language detection
    # Not audience comments, or not yet written: never counted.
    _comments(session, post, "en", {"negative": 5}, reply=True)
    _comments(session, post, "en", {"negative": 5}, kind="spam")
    _comments(session, post, "pt", {"negative": 7}, at=NOW + timedelta(hours=1))
    _, other_post = _talent(session)
    _comments(session, other_post, "pt", {"negative": 50})
    return compute_intelligence(load_facts(session, talent_id, NOW), NOW)


def _by_label(intel: SocialIntelligence) -> dict[str, LanguageShare]:
    return {i.code if i.group != "other" else "other": i for i in intel.sentiment.languages.languages}


def test_each_language_gets_its_share_of_the_audience_comments_with_n(intel):
    section = intel.sentiment.languages
    assert section.comments == 60 + 20 + 12 + 9 + 4 + 10 + 6 == 121
    rows = _by_label(intel)
    assert [(i.group, i.code) for i in section.languages] == [
        ("main", "en"), ("main", "pt"), ("main", "ja"), ("other", None), ("no_words", "zxx"),
        ("not_detected", None)]
    assert {k: r.comments for k, r in rows.items()} == {"en": 60, "pt": 20, "ja": 12, "other": 13, "zxx": 10, None: 6}
    assert rows["en"].share.value == pytest.approx(60 / 121 * 100) and rows["en"].share.n == 121
    assert sum(i.share.value or 0 for i in section.languages) == pytest.approx(100)
    assert rows["other"].includes == ("fr", "ko")


def test_sentiment_per_language_rests_on_its_scored_comments(intel):
    rows = _by_label(intel)
    pt = rows["pt"]
    assert (pt.scored, pt.score.n) == (20, 20)
    assert pt.score.value == pytest.approx((15 * 0.9 + 5 * 0.1) / 20)
    assert (pt.shares.positive.value, pt.shares.neutral.value, pt.shares.negative.value) == (75.0, 0.0, 25.0)
    en = rows["en"].shares
    assert (en.positive.value, en.neutral.value, en.negative.value) == pytest.approx((50.0, 100 / 3, 50 / 3))
    # The per-language counts add up to the comment figures the rest of the section rests on.
    scored = sum(i.scored for i in intel.sentiment.languages.languages)
    assert scored == intel.sentiment.comments.n == 60 + 20 + 9 + 10 + 6


def test_a_language_without_an_engine_is_counted_with_its_sentiment_unavailable_not_neutral(intel):
    ja = _by_label(intel)["ja"]
    assert ja.comments == 12 and ja.supported is False and ja.scored == 0
    assert ja.score.status == "unavailable" and ja.score.value is None
    assert all(m.value is None and m.status == "unavailable"
               for m in (ja.shares.positive, ja.shares.neutral, ja.shares.negative))
    other = _by_label(intel)["other"]  # French scored, Korean not: the mean rests on the French only
    assert other.supported and (other.comments, other.scored) == (13, 9) and other.score.value == pytest.approx(0.9)


def test_comments_without_a_detected_language_are_their_own_bucket_with_their_old_scores(intel):
    missing = _by_label(intel)[None]
    assert missing.group == "not_detected" and missing.comments == 6 and missing.scored == 6
    assert missing.score.value == pytest.approx(0.5)
    assert _by_label(intel)["zxx"].group == "no_words"


def _rows(counts: dict[str | None, int]) -> pd.DataFrame:
    return pd.DataFrame([{"language": code, "comments": n, "scored": n, "score_sum": n * 0.5, "positive": 0,
                          "neutral": n, "negative": 0} for code, n in counts.items()], columns=list(LANGUAGE_COLUMNS))


def test_a_main_language_needs_five_percent_and_ten_comments():
    # 300 comments: es 15 (5 %) is main; it 14 (4.7 %) and de 9 are not; zxx never is, however large.
    section = comment_languages(_rows({"en": 162, "es": 15, "it": 14, "de": 9, "zxx": 100}))
    assert [(i.group, i.code) for i in section.languages] == [
        ("main", "en"), ("main", "es"), ("other", None), ("no_words", "zxx")]
    assert section.languages[2].includes == ("it", "de")
    small = comment_languages(_rows({"pt": 9}))  # 100 % of the comments, but only 9
    assert [(i.group, i.includes) for i in small.languages] == [("other", ("pt",))]


def test_without_comments_there_are_no_languages_and_nothing_is_made_up():
    empty = comment_languages(pd.DataFrame(columns=list(LANGUAGE_COLUMNS)))
    assert empty.comments == 0 and empty.languages == ()
