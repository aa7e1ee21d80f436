"""Alembic migrations and the model on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from intel.db.engine import make_engine
from intel.db.migrate import is_up_to_date, upgrade
from intel.db.models import (
    AdminActivity,
    Base,
    Comment,
    FollowerSnapshot,
    SocialPost,
    SocialProfile,
    Talent,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_migrations_create_exactly_the_model_tables_and_repeat_harmlessly(database_url):
    engine = make_engine(database_url)
    upgrade(engine)  # second run on an already migrated database
    assert is_up_to_date(engine)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    engine.dispose()


def test_migrated_columns_match_the_model(database_url):
    engine = make_engine(database_url)
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        db_columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert db_columns == set(table.columns.keys()), table.name
    engine.dispose()


def _talent_with_post(session):
    talent = Talent(name="Ada", primary_handle="@ada", category="tech", tier="micro")
    profile = SocialProfile(talent=talent, platform="instagram", handle="ada", account_id="ig-1")
    session.add_all([talent, profile])
    session.flush()
    post = SocialPost(
        profile_id=profile.id, platform="instagram", platform_post_id="p1", posted_at=NOW, caption="hi"
    )
    session.add(post)
    session.flush()
    return talent, profile, post


def test_datetimes_come_back_aware_utc(session):
    _, _, post = _talent_with_post(session)
    session.expire_all()
    stored = session.get(SocialPost, post.id)
    assert stored.posted_at == NOW
    assert stored.posted_at.tzinfo is not None


def test_a_naive_datetime_is_refused(session):
    talent = Talent(name="N", primary_handle="@n", created_at=datetime(2026, 1, 1))
    session.add(talent)
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_one_platform_post_id_per_platform(session):
    _, profile, _ = _talent_with_post(session)
    session.add(SocialPost(profile_id=profile.id, platform="instagram", platform_post_id="p1",
                           posted_at=NOW))
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_follower_snapshot_per_profile_per_day(session):
    _, profile, _ = _talent_with_post(session)
    for hour in (1, 2):
        session.add(FollowerSnapshot(profile_id=profile.id, captured_on=date(2026, 1, 2),
                                     captured_at=NOW.replace(hour=hour), followers=10))
    with pytest.raises(IntegrityError):
        session.flush()


def test_deleting_a_talent_removes_its_profiles_posts_and_comments(session):
    talent, _profile, post = _talent_with_post(session)
    session.add(Comment(post_id=post.id, platform_comment_id="c1", text="nice", created_at=NOW))
    session.flush()
    session.delete(talent)
    session.flush()
    session.expire_all()
    assert session.scalars(select(SocialProfile)).all() == []
    assert session.scalars(select(SocialPost)).all() == []
    assert session.scalars(select(Comment)).all() == []


def test_html_in_captions_is_kept_verbatim(session):
    _, _, post = _talent_with_post(session)
    post.caption = '<script>alert("x")</script> <img src=x onerror=alert(1)> 💥'
    session.flush()
    session.expire_all()
    assert session.get(SocialPost, post.id).caption == '<script>alert("x")</script> <img src=x onerror=alert(1)> 💥'


def test_activity_details_round_trip_as_json(session):
    session.add(AdminActivity(actor="a@x", action="refresh", target="talent:1",
                              details={"outcome": "refreshed", "ms": 12.5}))
    session.flush()
    row = session.scalars(select(AdminActivity)).one()
    assert row.details == {"outcome": "refreshed", "ms": 12.5}


def test_the_talent_time_zone_migration_goes_down_and_up_keeping_every_talents_data(fresh_url):
    """0006 adds talents.timezone (NULL for existing talents); its downgrade drops only that column."""
    from alembic import command

    from intel.db.engine import transaction
    from intel.db.migrate import alembic_config

    def downgrade_to_0005() -> None:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")

    engine = make_engine(fresh_url)
    upgrade(engine)
    with transaction(engine) as session:
        talent, _, _ = _talent_with_post(session)
        talent.timezone = "Europe/Lisbon"
    downgrade_to_0005()
    assert "timezone" not in {c["name"] for c in inspect(engine).get_columns("talents")}
    with engine.connect() as conn:  # nothing cascaded away with the column (SQLite: no table rebuild)
        tables = (Talent, SocialProfile, SocialPost)
        assert [conn.scalar(select(func.count()).select_from(t.__table__)) for t in tables] == [1, 1, 1]
    upgrade(engine)
    assert is_up_to_date(engine)
    with transaction(engine) as session:  # an existing talent comes back with NULL: the INTEL_TIMEZONE setting
        assert session.scalars(select(Talent.timezone)).one() is None
    engine.dispose()
