"""A talent's time zone through the service: who may change it (checked here, not only hidden on the page),
the audit trail, the cached result recomputed in the new zone, and INTEL_TIMEZONE as the default."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from intel.accounts import auth
from intel.accounts.auth import DEMO_VIEWER, SYSTEM, Identity
from intel.db.engine import transaction
from intel.db.models import AdminActivity, Talent
from intel.errors import IntelError, PermissionDenied, TalentNotFound
from intel.service import accounts
from intel.service import talents as service
from tests.factories import dst_talent

PASSWORD = "correct horse battery staple"


@pytest.fixture
def talents(engine, database_url, make_runtime, installed_runtime, monkeypatch) -> tuple[int, int]:
    """Two talents without a zone of their own (INTEL_TIMEZONE=UTC); the first is assigned to agent@agency.test."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    installed_runtime(make_runtime(database_url))
    with transaction(engine) as session:
        ids = (dst_talent(session, timezone=None), dst_talent(session, timezone=None))
    accounts.create_user(SYSTEM, "agent@agency.test", "Agent", "agent", PASSWORD)
    accounts.assign_talents(SYSTEM, "agent@agency.test", [ids[0]])
    return ids


def agent() -> Identity:
    return accounts.authenticate("agent@agency.test", PASSWORD, client="test")


def stored_zone(engine, talent_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(Talent.timezone).where(Talent.id == talent_id))


def zone_changes(engine) -> list[tuple[str, str, dict]]:
    with transaction(engine) as session:
        rows = session.scalars(select(AdminActivity).where(AdminActivity.action == "talent_timezone_changed")
                               .order_by(AdminActivity.id)).all()
        return [(r.actor, r.target, r.details) for r in rows]


def test_the_talents_agent_sets_its_zone_audited_and_the_cached_table_is_recomputed_in_it(talents, engine):
    mine = talents[0]
    cached = service.get_social_intelligence(mine).content.best_time["instagram"]
    assert cached.timezone == "UTC" and cached.best is None  # in UTC the Monday posts split 2 + 2
    saved = service.set_timezone(agent(), mine, "america/new_york")
    assert (saved.own, saved.effective) == ("America/New_York", "America/New_York")
    assert stored_zone(engine, mine) == "America/New_York"
    served = service.serve_social_intelligence(mine)
    assert served.source == "computed"  # the change dropped the cached result
    section = served.intel.content.best_time["instagram"]
    assert section.timezone == "America/New_York" and (section.best.weekday, section.best.hour) == (0, 9)
    assert zone_changes(engine) == [("agent@agency.test", f"talent:{mine}",
                                     {"previous": None, "timezone": "America/New_York"})]


def test_choosing_the_default_again_clears_the_talents_own_zone(talents, engine):
    mine = talents[0]
    service.set_timezone(agent(), mine, "Europe/Lisbon")
    saved = service.set_timezone(agent(), mine, None)
    assert (saved.own, saved.effective) == (None, "UTC") and stored_zone(engine, mine) is None
    assert [d for _, _, d in zone_changes(engine)][-1] == {"previous": "Europe/Lisbon", "timezone": None}
    assert service.get_social_intelligence(mine).content.best_time["instagram"].timezone == "UTC"


def test_saving_the_same_zone_changes_nothing_and_audits_nothing(talents, engine):
    service.set_timezone(SYSTEM, talents[0], "Asia/Tokyo")
    service.set_timezone(SYSTEM, talents[0], "Asia/Tokyo")
    assert len(zone_changes(engine)) == 1


def test_an_agent_cannot_change_the_zone_of_a_talent_that_is_not_theirs(talents, engine):
    with pytest.raises(TalentNotFound, match="not found, or you may not see it"):
        service.set_timezone(agent(), talents[1], "Europe/Lisbon")
    assert stored_zone(engine, talents[1]) is None and zone_changes(engine) == []


@pytest.mark.parametrize("who", [DEMO_VIEWER, None], ids=["demo viewer", "signed out"])
def test_the_read_only_demo_viewer_and_nobody_signed_in_are_refused(talents, engine, who):
    with pytest.raises(PermissionDenied):
        service.set_timezone(who, talents[0], "Europe/Lisbon")
    assert stored_zone(engine, talents[0]) is None and zone_changes(engine) == []


def test_an_unknown_zone_is_refused_in_plain_words(talents, engine):
    with pytest.raises(IntelError, match="'Mars/Olympus' is not a time zone: choose an IANA zone like Europe/Lisbon"):
        service.set_timezone(SYSTEM, talents[0], "Mars/Olympus")
    assert stored_zone(engine, talents[0]) is None


def test_a_talent_without_its_own_zone_is_shown_in_intel_timezone(engine, database_url, make_runtime,
                                                                   installed_runtime):
    installed_runtime(make_runtime(database_url, timezone="America/New_York"))
    with transaction(engine) as session:
        talent = dst_talent(session, timezone=None)
    section = service.get_social_intelligence(talent).content.best_time["instagram"]
    assert section.timezone == "America/New_York"
    assert {(c.weekday, c.hour): c.posts for c in section.cells} == {(0, 9): 4, (1, 18): 2}
    setting = service.timezone_setting(SYSTEM, talent)
    assert (setting.own, setting.default, setting.effective) == (None, "America/New_York", "America/New_York")
