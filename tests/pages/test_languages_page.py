"""The talent page's comment languages: the share chart and the per-language table, each row with its n."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import select

from intel.db.engine import transaction
from intel.db.models import Comment, SocialPost, SocialProfile
from tests.app_pages import run_page, talent_id
from tests.factories import make_talent


def _language_table(at) -> pd.DataFrame:
    (frame,) = [d.value for d in at.dataframe if "Language" in d.value.columns]
    return frame


def _add_comments(engine, tid: int, language: str | None, n: int, *, score: float | None) -> None:
    with transaction(engine) as s:
        post_id = s.scalars(select(SocialPost.id).join(SocialProfile).where(SocialProfile.talent_id == tid)).first()
        for i in range(n):
            s.add(Comment(post_id=post_id, platform_comment_id=f"{language}-{tid}-{i}", text="ótimo",
                          created_at=datetime.now(UTC) - timedelta(hours=2, minutes=i), sentiment_score=score,
                          sentiment_label=None if score is None else "positive", sentiment_engine="test",
                          language=language, language_confidence=0.95))


def test_a_real_talent_shows_its_comment_languages_with_n_and_unavailable_sentiment(app_db):
    tid = make_talent(app_db, name="Lingua Franca", posts=6, comments_per_post=3)  # 18 comments, no language
    _add_comments(app_db, tid, "pt", 30, score=0.9)
    _add_comments(app_db, tid, "ja", 12, score=None)
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception
    assert "Comment languages" in [h.value for h in at.subheader]
    frame = _language_table(at)
    assert list(frame["Language"]) == ["Portuguese", "Japanese", "Not detected"]
    assert list(frame["Comments"]) == [30, 12, 18]
    assert frame["Share %"].tolist() == [50.0, 20.0, 30.0]
    japanese = frame.iloc[1]
    assert japanese["Note"] == "unavailable — no engine for this language" and pd.isna(japanese["Mean score"])
    assert "rescore" in frame.iloc[2]["Note"]
    assert round(frame.iloc[0]["Mean score"], 6) == 0.9
    assert any("Main languages have at least 5%" in c.value for c in at.caption)


def test_a_demo_talent_with_a_portuguese_audience_shows_portuguese_as_a_main_language(app_db):
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Sofia Marques")))
    assert not at.exception
    frame = _language_table(at)
    assert "Portuguese" in set(frame["Language"]) and "English" in set(frame["Language"])
    portuguese = frame[frame["Language"] == "Portuguese"].iloc[0]
    assert portuguese["Comments"] > 100 and portuguese["Share %"] >= 25
    assert abs(frame["Share %"].sum() - 100) < 1e-6
