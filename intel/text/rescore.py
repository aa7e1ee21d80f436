"""Re-score stored sentiment after an engine change, in batches; never score on read."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Float, ScalarSelect, String, column, or_, select, update, values
from sqlalchemy.orm import InstrumentedAttribute, Session

from intel.db.models import Comment, SocialPost, SocialProfile
from intel.text.scoring import TextScore, engine_version, score_all

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
            scores = score_all(r[1] for r in rows)
            _write_scores(conn, model, [(r[0], s) for r, s in zip(rows, scores, strict=True)], version)
        talents.update(r[2] for r in rows)
        done, last_id = done + len(rows), rows[-1][0]
        progress(len(rows))


def _write_scores(conn: Connection, model: type[SocialPost] | type[Comment], scores: list[tuple[int, TextScore]],
                  version: str) -> None:
    """Store a batch's scores by primary key in one statement on PostgreSQL, one executemany on SQLite."""
    if conn.dialect.name != "postgresql":  # SQLite's triggers are per row anyway, and it has no VALUES aliases
        Session(bind=conn).execute(update(model), [
            {"id": i, "sentiment_score": s.score, "sentiment_label": s.label, "sentiment_engine": version,
             "language": s.language, "language_confidence": s.language_confidence}
            for i, s in scores])
        return
    # One UPDATE … FROM (VALUES …): the comments' statement-level trigger (migration 0005) then recounts the
    # batch's groups once, not once per row as an executemany would (2,000 rows: 0.23 s instead of 3.4 s).
    batch = values(column("id", model.id.type), column("score", Float()), column("label", String()),
                   column("language", String()), column("confidence", Float()), name="batch").data(
        [(i, s.score, s.label, s.language, s.language_confidence) for i, s in scores])
    conn.execute(update(model).where(model.id == batch.c.id)
                 .values(sentiment_score=batch.c.score, sentiment_label=batch.c.label, sentiment_engine=version,
                         language=batch.c.language, language_confidence=batch.c.confidence))


def _talent_of(model: type[SocialPost] | type[Comment]) -> ScalarSelect[int]:
    """A scalar subquery giving the talent id of a post or comment row."""
    if model is SocialPost:
        return select(SocialProfile.talent_id).where(SocialProfile.id == SocialPost.profile_id).scalar_subquery()
    return (select(SocialProfile.talent_id).join(SocialPost, SocialPost.profile_id == SocialProfile.id)
            .where(SocialPost.id == Comment.post_id).scalar_subquery())
