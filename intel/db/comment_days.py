"""Comment aggregates per (post, UTC day): the recount as SQL expressions, a rebuild and a drift check.

The table `comment_days` is kept equal to the comments by the triggers of migration 0005; the same
recount, written here with SQLAlchemy, serves the analytics' scan of comments newer than the stored
days, the rebuild (`python -m intel db aggregates --rebuild`) and the check that nothing drifted
(`python -m intel db aggregates`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, Select, delete, func, insert, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction

from intel.db.models import Comment, CommentDay, SocialPost, SocialProfile

COUNTS: tuple[str, ...] = ("comments", "audience", "replies", "scored", "score_sum", "score_max", "score_min",
                           "positive", "neutral", "negative", "spam", "emoji_only", "generic")
_LABELS = ("positive", "neutral", "negative")
_KINDS = ("spam", "emoji_only", "generic")
_FLOATS = frozenset({"score_sum", "score_max", "score_min"})


class utc_day(GenericFunction[date]):
    """The UTC calendar day of an aware timestamp, whatever the session's time zone."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC')::date"


@compiles(utc_day)
def _utc_day_default(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores UTC text ("YYYY-MM-DD HH:MM:SS…"), so date() is its UTC day.
    return f"date({compiler.process(element.clauses, **kw)})"


def recount() -> list[ColumnElement[Any]]:
    """post_id, day and the counted columns of comment_days, as aggregates over `comments` (GROUP BY both)."""
    audience = Comment.is_talent_reply.is_(False)
    scored = audience & (Comment.kind != "spam") & Comment.sentiment_score.is_not(None)
    # FILTER (WHERE …) aggregates: measurably cheaper than SUM(CASE …) on PostgreSQL; SQLite has them too.
    return [
        Comment.post_id.label("post_id"), utc_day(Comment.created_at).label("day"),
        func.count().label("comments"),
        func.count().filter(audience).label("audience"),
        func.count().filter(Comment.is_talent_reply).label("replies"),
        func.count().filter(scored).label("scored"),
        func.coalesce(func.sum(Comment.sentiment_score).filter(scored), 0.0).label("score_sum"),
        func.max(Comment.sentiment_score).filter(scored).label("score_max"),
        func.min(Comment.sentiment_score).filter(scored).label("score_min"),
        *(func.count().filter(scored & (Comment.sentiment_label == lab)).label(lab) for lab in _LABELS),
        *(func.count().filter(audience & (Comment.kind == kind)).label(kind) for kind in _KINDS),
    ]


def recount_query() -> Select[Any]:
    """Every (post, day) group recounted from the comments; add .where() to limit it."""
    return select(*recount()).group_by(Comment.post_id, utc_day(Comment.created_at))


@dataclass(frozen=True)
class CheckReport:
    """What a check found: 0 drifted groups means the table is exact."""

    drifted_groups: int


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild found and wrote."""

    groups: int  # (post, day) groups written
    drifted_posts: tuple[int, ...]  # posts whose stored groups differed from the recount before it


def rebuild(conn: Connection) -> RebuildReport:
    """Recount the whole table from the comments in this transaction (drift should be none: triggers keep it)."""
    if conn.dialect.name == "postgresql":
        # Writers of comments wait until this transaction ends, so no trigger recount interleaves.
        conn.execute(text("LOCK TABLE comments IN SHARE MODE"))
    drifted = drifted_posts(conn)
    conn.execute(delete(CommentDay))
    conn.execute(insert(CommentDay).from_select(["post_id", "day", *COUNTS], recount_query()))
    groups = int(conn.scalar(select(func.count()).select_from(CommentDay)) or 0)
    return RebuildReport(groups, tuple(sorted(drifted)))


def drift(conn: Connection) -> int:
    """How many (post, day) groups the stored table gets wrong (missing, extra or different): 0 when exact."""
    return len(_drifted_groups(conn))


def drifted_posts(conn: Connection) -> set[int]:
    """The posts with a stored group that differs from the recount."""
    return {post_id for post_id, _day in _drifted_groups(conn)}


def talents_of(conn: Connection, post_ids: Iterable[int]) -> tuple[int, ...]:
    """The talents owning these posts."""
    ids = list(post_ids)
    if not ids:
        return ()
    query = (select(SocialProfile.talent_id).join(SocialPost, SocialPost.profile_id == SocialProfile.id)
             .where(SocialPost.id.in_(ids)).distinct())
    return tuple(sorted(conn.scalars(query)))


def _drifted_groups(conn: Connection) -> list[tuple[int, str]]:
    stored = _by_group(conn.execute(select(CommentDay.post_id, CommentDay.day,
                                           *(CommentDay.__table__.c[c] for c in COUNTS))).mappings())
    counted = _by_group(conn.execute(recount_query()).mappings())
    return [key for key in stored.keys() | counted.keys() if not _same(stored.get(key), counted.get(key))]


def _by_group(rows: Any) -> dict[tuple[int, str], Mapping[str, Any]]:
    return {(int(r["post_id"]), str(r["day"])): r for r in rows}


def _same(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Equal counts; scores equal up to float rounding (the triggers add and subtract; a recount sums afresh)."""
    if a is None or b is None:
        return a is b
    for column in COUNTS:
        x, y = a[column], b[column]
        if column in _FLOATS and x is not None and y is not None:
            if not math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True
