"""Re-score stored sentiment after an engine change, in batches; never score on read."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, ScalarSelect, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from intel.db.models import Comment, SocialPost, SocialProfile
from intel.text.sentiment import engine_version, score_texts

log = logging.getLogger(__name__)
BATCH = 2000


@dataclass(frozen=True)
class RescoreReport:
    """How many texts were re-scored and which talents changed."""

    posts: int
    comments: int
    talent_ids: tuple[int, ...]


def rescore(engine: Engine, *, everything: bool = False,
            progress: Callable[[int], None] = lambda _n: None) -> RescoreReport:
    """Score captions and comments whose stored engine version is not the current one (or all)."""
    version = engine_version()
    talents: set[int] = set()
    posts = _rescore_table(engine, SocialPost, SocialPost.caption, version, everything, talents, progress)
    comments = _rescore_table(engine, Comment, Comment.text, version, everything, talents, progress)
    log.info("rescored %d captions and %d comments with %s", posts, comments, version)
    return RescoreReport(posts, comments, tuple(sorted(talents)))


def _rescore_table(engine: Engine, model: type[SocialPost] | type[Comment], text_col: InstrumentedAttribute[str],
                   version: str, everything: bool, talents: set[int], progress: Callable[[int], None]) -> int:
    stale = or_(model.sentiment_engine.is_(None), model.sentiment_engine != version)
    done, last_id = 0, 0
    while True:
        # Keyset pagination by id: each batch is its own transaction, so a stop loses at most one batch.
        with engine.begin() as conn:
            query = select(model.id, text_col, _talent_of(model)).where(model.id > last_id)
            if not everything:
                query = query.where(stale)
            rows = conn.execute(query.order_by(model.id).limit(BATCH)).all()
            if not rows:
                return done
            scores = score_texts(r[1] for r in rows)
            # ORM bulk UPDATE by primary key: one executemany per batch.
            Session(bind=conn).execute(update(model), [
                {"id": r[0], "sentiment_score": s.score, "sentiment_label": s.label, "sentiment_engine": version}
                for r, s in zip(rows, scores, strict=True)
            ])
        talents.update(r[2] for r in rows)
        done, last_id = done + len(rows), rows[-1][0]
        progress(len(rows))


def _talent_of(model: type[SocialPost] | type[Comment]) -> ScalarSelect[int]:
    """A scalar subquery giving the talent id of a post or comment row."""
    if model is SocialPost:
        return select(SocialProfile.talent_id).where(SocialProfile.id == SocialPost.profile_id).scalar_subquery()
    return (select(SocialProfile.talent_id).join(SocialPost, SocialPost.profile_id == SocialProfile.id)
            .where(SocialPost.id == Comment.post_id).scalar_subquery())
