"""The alert inbox service on both databases: each person's own alerts, the unread count, acknowledge and snooze,
and access (an agent never sees another agent's talent's alert)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from intel.accounts.auth import Identity
from intel.db.alerts import Alert, InboxItem
from intel.db.engine import transaction
from intel.db.models import AdminActivity, Talent
from intel.service import alerts

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _alert(engine, talent_id: int, user_ids: list[int], *, key: str, minutes: int = 0) -> list[int]:
    with transaction(engine) as s:
        alert = Alert(talent_id=talent_id, rule="follower_drop", scope="instagram", level=1, dedup_key=key,
                      title="Ana: Instagram followers down 2.1%", message="<b>lost</b> 210 followers",
                      raised_at=NOW + timedelta(minutes=minutes))
        s.add(alert)
        s.flush()
        items = [InboxItem(alert_id=alert.id, user_id=uid, created_at=NOW) for uid in user_ids]
        s.add_all(items)
        s.flush()
        return [i.id for i in items]


@pytest.fixture
def setup(engine, people):
    agent, other = people["agent"], people["other"]
    with transaction(engine) as s:
        mine = Talent(name="Ana", primary_handle="@ana", agent_id=agent.user_id)
        theirs = Talent(name="Bo", primary_handle="@bo", agent_id=other.user_id)
        s.add_all([mine, theirs])
        s.flush()
        ids = mine.id, theirs.id
    first = _alert(engine, ids[0], [agent.user_id, people["manager"].user_id], key="a")
    second = _alert(engine, ids[0], [agent.user_id], key="b", minutes=5)
    # An inbox row for the agent on another agent's talent (e.g. left from before a hand-over): never shown.
    stray = _alert(engine, ids[1], [agent.user_id, other.user_id], key="c")
    return {"talents": ids, "first": first, "second": second, "stray": stray}


def test_the_inbox_lists_only_the_persons_alerts_on_talents_they_may_see_newest_first(people, setup) -> None:
    listed = alerts.inbox(people["agent"], now=NOW)
    assert [(e.id, e.talent_name, e.state) for e in listed] == [(setup["second"][0], "Ana", "new"),
                                                                 (setup["first"][0], "Ana", "new")]
    assert listed[0].message == "<b>lost</b> 210 followers"  # plain text, as stored; the page never renders it
    assert [e.talent_name for e in alerts.inbox(people["other"], now=NOW)] == ["Bo"]
    assert alerts.unread_count(people["agent"], now=NOW) == 2


def test_acknowledge_and_snooze_lower_the_unread_count_and_are_audited(engine, people, setup) -> None:
    agent = people["agent"]
    alerts.acknowledge(agent, setup["second"][0], now=NOW)
    alerts.snooze(agent, setup["first"][0], now=NOW)
    assert alerts.unread_count(agent, now=NOW) == 0
    assert [e.state for e in alerts.inbox(agent, now=NOW)] == ["acknowledged", "snoozed"]
    # The snooze ends after 24 hours; the acknowledgement does not.
    assert alerts.unread_count(agent, now=NOW + timedelta(hours=24)) == 1
    # The manager's copy of the first alert is theirs alone: still unread.
    assert alerts.unread_count(people["manager"], now=NOW) == 1
    with transaction(engine) as s:
        actions = sorted(s.scalars(select(AdminActivity.action).where(AdminActivity.actor == agent.email)))
    assert actions == ["alert_acknowledged", "alert_snoozed"]


def test_nobody_acknowledges_someone_elses_item_or_one_on_a_talent_they_may_not_see(people, setup) -> None:
    with pytest.raises(alerts.InboxItemNotFound):
        alerts.acknowledge(people["other"], setup["first"][0], now=NOW)  # the agent's item
    with pytest.raises(alerts.InboxItemNotFound):
        alerts.acknowledge(people["agent"], setup["stray"][0], now=NOW)  # another agent's talent
    assert alerts.unread_count(people["agent"], now=NOW) == 2


def test_the_demo_viewer_has_an_empty_inbox_and_nobody_signed_out_has_one(people, setup) -> None:
    viewer = Identity(None, "demo", "Demo viewer", "demo")
    assert alerts.inbox(viewer, now=NOW) == [] and alerts.unread_count(viewer, now=NOW) == 0
    with pytest.raises(alerts.InboxItemNotFound):
        alerts.acknowledge(viewer, setup["first"][0], now=NOW)
    from intel.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        alerts.inbox(None, now=NOW)  # type: ignore[arg-type]
