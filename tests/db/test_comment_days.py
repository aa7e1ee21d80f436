"""The per-(post, day) comment aggregates stay equal to a recount from the comments, whoever writes them."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update

from intel.db import comment_days
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.db.models import Comment, CommentDay, SocialPost, Talent
from intel.demo.generate import load_demo
from intel.ingest.importer import import_file
from intel.text.rescore import rescore
from tests.factories import comment_mix

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _drift(session) -> int:
    return comment_days.drift(session.connection())


def _groups(session) -> int:
    return int(session.scalar(select(func.count()).select_from(CommentDay)))


def test_written_comments_are_counted_per_post_and_utc_day(session):
    comment_mix(session, NOW)
    assert _groups(session) > 20
    assert _drift(session) == 0
    total = session.scalar(select(func.sum(CommentDay.comments)))
    assert total == session.scalar(select(func.count()).select_from(Comment))


def test_changed_scores_days_replies_and_kinds_are_counted_again(session):
    comment_mix(session, NOW)
    ids = session.scalars(select(Comment.id).order_by(Comment.id)).all()
    session.execute(update(Comment).where(Comment.id.in_(ids[::3])).values(sentiment_score=0.999,
                                                                          sentiment_label="positive"))
    for moved in session.scalars(select(Comment).where(Comment.id.in_(ids[1::5]))):
        moved.created_at += timedelta(days=2)  # into another group, or a new one
    session.flush()
    session.execute(update(Comment).where(Comment.id.in_(ids[2::7])).values(
        is_talent_reply=~Comment.is_talent_reply, kind="spam"))
    session.execute(update(Comment).where(Comment.id.in_(ids[::4])).values(sentiment_score=None,
                                                                          sentiment_label=None))
    assert _drift(session) == 0


def test_deleting_comments_the_highest_and_lowest_among_them_keeps_the_groups_exact(session):
    comment_mix(session, NOW)
    top = session.scalars(select(Comment.id).where(Comment.sentiment_score.is_not(None))
                          .order_by(Comment.sentiment_score.desc()).limit(10)).all()
    bottom = session.scalars(select(Comment.id).where(Comment.sentiment_score.is_not(None))
                             .order_by(Comment.sentiment_score).limit(10)).all()
    session.execute(delete(Comment).where(Comment.id.in_([*top, *bottom])))
    assert _drift(session) == 0


def test_deleting_a_post_or_a_talent_removes_their_groups(session):
    talent_id = comment_mix(session, NOW)
    other = comment_mix(session, NOW, seed=6)
    post_id = session.scalars(select(CommentDay.post_id).limit(1)).one()
    session.execute(delete(SocialPost).where(SocialPost.id == post_id))
    assert session.scalar(select(func.count()).where(CommentDay.post_id == post_id)) == 0
    assert _drift(session) == 0
    session.execute(delete(Talent).where(Talent.id == talent_id))
    assert _drift(session) == 0 and _groups(session) > 0
    session.execute(delete(Talent).where(Talent.id == other))
    assert _groups(session) == 0


def test_a_rebuild_repairs_a_table_that_drifted(session):
    comment_mix(session, NOW)
    groups = _groups(session)
    session.execute(update(CommentDay).where(CommentDay.post_id == select(func.min(CommentDay.post_id))
                                             .scalar_subquery()).values(comments=999))
    session.execute(delete(CommentDay).where(CommentDay.post_id == select(func.max(CommentDay.post_id))
                                             .scalar_subquery()))
    assert _drift(session) > 0
    report = comment_days.rebuild(session.connection())
    assert report.groups == groups and len(report.drifted_posts) == 2
    assert _drift(session) == 0


COMMENTS_CSV = "platform,platform_post_id,platform_comment_id,created_at,text,is_talent_reply\n"


def test_imports_that_insert_and_update_comments_keep_the_groups_exact(engine):
    from tests.factories import make_talent

    make_talent(engine, posts=2, comments_per_post=0)
    with engine.connect() as conn:
        post_ids = conn.scalars(select(SocialPost.platform_post_id).order_by(SocialPost.id)).all()
    rows = [f"instagram,{post_ids[i % 2]},c{i},2026-03-0{1 + i % 5}T{i % 24:02d}:30:00Z,"
            f"{('love it 😍', 'terrible', 'buy followers at spam.example', 'ok', '🔥🔥')[i % 5]},{i % 9 == 0}"
            for i in range(60)]
    assert import_file("comments", (COMMENTS_CSV + "\n".join(rows)).encode(), engine=engine).inserted == 60
    moved = [r.replace("2026-03-0", "2026-04-1").replace("terrible", "wonderful") for r in rows[::2]]
    assert import_file("comments", (COMMENTS_CSV + "\n".join(moved)).encode(), engine=engine).updated == 30
    with engine.connect() as conn:
        assert comment_days.drift(conn) == 0
        assert conn.scalar(select(func.sum(CommentDay.comments))) == 60


def test_a_rescore_keeps_the_groups_exact(engine):
    from tests.factories import make_talent

    make_talent(engine, posts=3, comments_per_post=4)
    with engine.begin() as conn:
        conn.execute(update(Comment).values(text="this is awful, I hate it", sentiment_engine="old"))
    assert rescore(engine).comments == 12
    with engine.connect() as conn:
        assert conn.scalar(select(func.max(CommentDay.score_max))) < 0.5  # the new scores are counted
        assert comment_days.drift(conn) == 0


@pytest.mark.slow  # loads the demo roster twice
def test_reloading_the_demo_roster_keeps_the_groups_exact(engine):
    load_demo(engine, today=NOW.date())
    load_demo(engine, seed=2, today=NOW.date())
    with engine.connect() as conn:
        assert comment_days.drift(conn) == 0
        assert conn.scalar(select(func.sum(CommentDay.comments))) == conn.scalar(
            select(func.count()).select_from(Comment))


def test_the_migration_counts_the_comments_already_stored_and_its_downgrade_removes_the_triggers(fresh_url):
    from alembic import command

    from intel.db.engine import transaction
    from intel.db.migrate import alembic_config

    def downgrade_to_0004() -> None:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")

    engine = make_engine(fresh_url)
    # The comments are written with today's model (at head), then the schema goes back to 0004: a model
    # with columns added after 0004 could not write to a 0004 schema.
    upgrade(engine)
    with transaction(engine) as session:
        comment_mix(session, NOW)
    downgrade_to_0004()
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CommentDay)) > 20
        assert comment_days.drift(conn) == 0
    downgrade_to_0004()
    with engine.begin() as conn:  # no trigger left behind that writes to the dropped table
        conn.execute(update(Comment).values(sentiment_score=0.5))
        conn.execute(delete(Comment))
    engine.dispose()


def test_two_writers_of_one_group_at_once_are_both_counted(session_engine, engine):
    """PostgreSQL: the second writer's recount waits for the first to commit, then sees its comment."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers")
    from tests.factories import make_talent

    make_talent(engine, posts=1, comments_per_post=0)
    with engine.connect() as conn:
        post_id = conn.scalar(select(SocialPost.id))
    when = NOW - timedelta(days=3)

    def comment(cid: str) -> dict[str, object]:
        return {"post_id": post_id, "platform_comment_id": cid, "created_at": when, "text": cid,
                "sentiment_score": 0.7, "sentiment_label": "positive"}

    first = engine.connect()
    tx = first.begin()
    first.execute(Comment.__table__.insert(), comment("a"))
    second = threading.Thread(target=lambda: _insert_committed(engine, comment("b")))
    second.start()
    _wait_for_a_lock_wait(engine)
    tx.commit()
    first.close()
    second.join(10)
    with engine.connect() as conn:
        assert conn.scalar(select(CommentDay.comments).where(CommentDay.post_id == post_id)) == 2
        assert comment_days.drift(conn) == 0


def _insert_committed(engine, row) -> None:
    with engine.begin() as conn:
        conn.execute(Comment.__table__.insert(), row)


def _wait_for_a_lock_wait(engine, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND wait_event_type = 'Lock'"))
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first")


def test_a_rescore_detects_languages_and_leaves_unsupported_ones_unavailable(engine):
    from tests.factories import make_talent

    make_talent(engine, posts=2, comments_per_post=2)
    texts = ["Me encanta tu contenido, sigue así", "Wat een mooie video, echt geweldig",
             "What a beautiful video, you made my day!", "😍😍"]
    with engine.begin() as conn:
        ids = conn.scalars(select(Comment.id).order_by(Comment.id)).all()
        for comment_id, text in zip(ids, texts, strict=True):
            conn.execute(update(Comment).where(Comment.id == comment_id)
                         .values(text=text, sentiment_engine="old", language=None, kind="substantive",
                                 is_talent_reply=False))
    assert rescore(engine).comments == 4
    with engine.connect() as conn:
        rows = conn.execute(select(Comment.language, Comment.sentiment_label, Comment.language_confidence)
                            .order_by(Comment.id)).all()
        assert [r.language for r in rows] == ["es", "nl", "en", "zxx"]
        assert rows[1].sentiment_label is None and all(r.sentiment_label for i, r in enumerate(rows) if i != 1)
        assert all(r.language_confidence is not None for r in rows)
        assert conn.scalar(select(func.sum(CommentDay.scored))) == 3  # Dutch is not counted, not neutral
        assert comment_days.drift(conn) == 0
