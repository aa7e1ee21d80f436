"""Refresh outcomes as the user sees them, the audit trail, and a database that goes away."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intel.db.models import AdminActivity
from intel.service import talents as service
from tests.factories import make_talent

DEAD_URL = "postgresql+psycopg2://nobody@127.0.0.1:1/none"


def audit_rows(engine):
    with engine.connect() as conn:
        return conn.execute(select(AdminActivity).order_by(AdminActivity.id)).all()


def test_first_refresh_recomputes_and_the_second_is_limited_with_minutes_left(live, engine):
    talent = make_talent(engine)
    before = service.get_social_intelligence(talent)
    first = service.refresh_social_intelligence(talent, actor="ann@agency.test")
    assert first.status == "refreshed"
    assert first.message == "Analytics refreshed and recalculated"
    assert first.served.intel.computed_at > before.computed_at
    assert service.get_social_intelligence(talent).computed_at == first.served.intel.computed_at
    second = service.refresh_social_intelligence(talent, actor="ann@agency.test")
    assert second.status == "rate_limited"
    assert second.message == "Analytics refresh limited to once per hour. Try again in 60 min."
    assert 3590 <= second.retry_after_s <= 3600


def test_every_refresh_attempt_is_audited_with_actor_outcome_and_duration(live, engine):
    talent = make_talent(engine)
    service.refresh_social_intelligence(talent, actor="ann@agency.test")
    service.refresh_social_intelligence(talent, actor="bob@agency.test")
    service.refresh_social_intelligence(424242, actor="bob@agency.test")
    rows = [(r.actor, r.action, r.target, r.details["outcome"]) for r in audit_rows(engine)]
    assert rows == [
        ("ann@agency.test", "refresh", f"talent:{talent}", "refreshed"),
        ("bob@agency.test", "refresh", f"talent:{talent}", "rate_limited"),
        ("bob@agency.test", "refresh", "talent:424242", "failed"),
    ]
    assert all(r.details["duration_ms"] >= 0 for r in audit_rows(engine))


def test_a_failed_refresh_gives_the_slot_back(live, engine):
    failed = service.refresh_social_intelligence(424242, actor="ann@agency.test")
    assert failed.status == "failed" and "No talent with id 424242" in failed.message
    talent = make_talent(engine)
    assert service.refresh_social_intelligence(talent, actor="ann@agency.test").status == "refreshed"


def test_per_role_intervals_apply(engine, database_url, make_runtime, installed_runtime):
    installed_runtime(make_runtime(database_url, refresh_role_intervals={"admin": 600}))
    talent = make_talent(engine)
    assert service.refresh_social_intelligence(talent, actor="a@x", role="admin").status == "refreshed"
    limited = service.refresh_social_intelligence(talent, actor="a@x", role="admin")
    assert limited.message == "Analytics refresh limited to once every 10 min. Try again in 10 min."


def test_with_the_database_down_a_cached_entry_is_served_marked_possibly_stale(live, engine):
    from intel import runtime
    from intel.errors import DatabaseUnavailable

    talent = make_talent(engine)
    cached = service.get_social_intelligence(talent)
    # Same stores, unreachable database.
    down = runtime.build_runtime(live.settings.replace(database_url=DEAD_URL), store=live.store, local=live.local)
    with runtime.use(down):
        served = service.serve_social_intelligence(talent, bypass_cache=True)
        assert served.possibly_stale and served.intel == cached
        with pytest.raises(DatabaseUnavailable, match="cannot be reached"):
            service.get_social_intelligence(talent + 1000)
    runtime.close(down)
