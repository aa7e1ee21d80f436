"""The Alerts page (AppTest, demo roster on SQLite): the inbox lists a person's alerts newest first, acknowledge
and mute change the state and the unread count (and the sidebar title), preferences save and refusals show in
plain words; the demo viewer gets an explanation, managers follow talents and set thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from intel import runtime
from intel.accounts.auth import SYSTEM, Identity
from intel.config import get_settings
from intel.connectors.crypto import new_key
from intel.db.alerts import Alert, AlertMute, AlertPreference, AlertThreshold, InboxItem, TalentFollow
from intel.db.engine import transaction
from intel.service import accounts, alerts
from tests.app_pages import run_page, sign_in_as, talent_id
from tests.markdown import shown

RAISED = datetime.now(UTC) - timedelta(hours=3)


def raise_alert(engine, talent: int, user_id: int, *, key: str, title: str, minutes: int = 0,
                rule: str = "follower_drop") -> int:
    """An alert on `talent` in `user_id`'s inbox; the inbox item's id."""
    with transaction(engine) as s:
        alert = Alert(talent_id=talent, rule=rule, scope="instagram", dedup_key=key, title=title,
                      message="Instagram lost 2,100 followers (2.1%) in 7 days (n = 8 daily snapshots).",
                      raised_at=RAISED + timedelta(minutes=minutes))
        s.add(alert)
        s.flush()
        item = InboxItem(alert_id=alert.id, user_id=user_id, created_at=RAISED)
        s.add(item)
        s.flush()
        return item.id


@pytest.fixture
def agent_inbox(app_db, monkeypatch) -> tuple[Identity, int, list[int]]:
    """The agent of Sofia Marques, signed in, with two alerts on her (and one stray on someone else's talent)."""
    agent = sign_in_as(monkeypatch, "agent")
    sofia = talent_id(app_db, "Sofia Marques")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [sofia])
    older = raise_alert(app_db, sofia, agent.user_id, key="older", title="Sofia: <b>followers</b> down")
    newer = raise_alert(app_db, sofia, agent.user_id, key="newer", title="Sofia: spam comments surging",
                        minutes=5, rule="spam_surge")
    raise_alert(app_db, talent_id(app_db, "Tyler Brooks"), agent.user_id, key="stray", title="Tyler: not yours")
    return agent, sofia, [newer, older]


def titles(at: AppTest) -> list[str]:
    """The inbox rows' titles as a reader sees them (bold, the title escaped inside)."""
    return [shown(m.value.removeprefix("**").removesuffix("**")) for m in at.markdown if m.value.startswith("**")]


def test_the_inbox_lists_the_agents_alerts_newest_first_with_talent_time_and_state(agent_inbox):
    _agent, _sofia, (newer, older) = agent_inbox
    at = run_page("pages/alerts.py")
    assert not at.exception
    assert titles(at) == ["Sofia: spam comments surging", "Sofia: <b>followers</b> down"]  # shown literally
    captions = [shown(c.value) for c in at.caption]
    assert "2 unread · newest first · times in UTC" in captions
    assert any(c.startswith("Sofia Marques · Spam surge · raised ") and c.endswith("🔴 New") for c in captions)
    assert "Instagram lost 2,100 followers (2.1%) in 7 days (n = 8 daily snapshots)." in [t.value for t in at.text]
    assert all("Tyler" not in t for t in titles(at))
    assert {b.key for b in at.button} >= {f"ack_{newer}", f"snooze_{older}", f"mute_{older}"}


def test_acknowledge_changes_the_state_and_the_unread_count(agent_inbox):
    from pages._wiring import alerts_title

    agent, _sofia, (newer, older) = agent_inbox
    assert alerts_title(agent) == "Alerts (2)"
    at = run_page("pages/alerts.py")
    at.button(key=f"ack_{newer}").click().run()
    assert not at.exception
    assert [shown(t.value) for t in at.toast] == ["Alert acknowledged"]
    assert "1 unread · newest first · times in UTC" in [shown(c.value) for c in at.caption]
    assert any("✅ Acknowledged" in shown(c.value) for c in at.caption)
    assert at.button(key=f"ack_{newer}").disabled
    assert alerts.unread_count(agent) == 1 and alerts_title(agent) == "Alerts (1)"
    at.button(key=f"snooze_{older}").click().run()
    assert alerts.unread_count(agent) == 0 and alerts_title(agent) == "Alerts"
    assert any("💤 Snoozed" in shown(c.value) for c in at.caption)


def test_mute_silences_the_rule_for_the_talent_and_unmute_brings_it_back(app_db, agent_inbox):
    agent, sofia, (_newer, older) = agent_inbox
    at = run_page("pages/alerts.py")
    at.button(key=f"mute_{older}").click().run()
    assert not at.exception
    assert [shown(t.value) for t in at.toast] == ["Follower drop muted for Sofia Marques"]
    with app_db.connect() as conn:
        assert conn.execute(select(AlertMute.talent_id, AlertMute.rule)).all() == [(sofia, "follower_drop")]
    assert any(t.value.startswith("Sofia Marques · Follower drop · muted ") for t in at.text)
    assert alerts.unread_count(agent) == 1  # the muted one counts as read
    at.button(key=f"unmute_{sofia}_follower_drop").click().run()
    assert [shown(t.value) for t in at.toast] == ["Follower drop unmuted for Sofia Marques"]
    with app_db.connect() as conn:
        assert conn.execute(select(AlertMute.id)).all() == []


def test_preferences_save_and_a_bad_webhook_url_is_refused_in_plain_words(app_db, agent_inbox, monkeypatch):
    monkeypatch.setenv("INTEL_SECRET_KEY", new_key())
    runtime.configure(get_settings())
    agent = agent_inbox[0]
    at = run_page("pages/alerts.py")
    at.checkbox(key="pref_webhook").check()
    at.text_input(key="pref_url").input("http://hooks.example.com/services/x")
    at.button(key="FormSubmitter:alert_preferences-Save preferences").click().run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [
        "The webhook URL must start with https:// (messages carry talent data)."]
    with app_db.connect() as conn:
        assert conn.execute(select(AlertPreference.user_id)).all() == []

    at.text_input(key="pref_url").input("https://hooks.example.com/services/x")
    at.checkbox(key="pref_email").uncheck()
    at.selectbox(key="pref_zone").set_value("Europe/Lisbon")
    at.checkbox(key="pref_quiet").check()
    at.button(key="FormSubmitter:alert_preferences-Save preferences").click().run()
    assert not at.exception and not at.error
    assert [shown(t.value) for t in at.toast] == ["Alert preferences saved"]
    with app_db.connect() as conn:
        row = conn.execute(select(AlertPreference).where(AlertPreference.user_id == agent.user_id)).one()
    assert (row.email_enabled, row.webhook_enabled, row.timezone) == (False, True, "Europe/Lisbon")
    assert (f"{row.quiet_start:%H:%M}", f"{row.quiet_end:%H:%M}") == ("22:00", "07:00")
    assert "hooks.example.com" not in row.webhook_url_encrypted
    assert "A webhook URL is stored (encrypted; it is never shown again)." in [c.value for c in at.caption]
    assert at.text_input(key="pref_url").value == ""  # never filled back in
    assert "times in Europe/Lisbon" in " ".join(shown(c.value) for c in at.caption)


def test_the_demo_viewer_sees_why_there_is_no_inbox(app_db, monkeypatch, tmp_path, demo_template):
    import shutil

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("INTEL_DEMO", "1")
    monkeypatch.setenv("INTEL_DEMO_DATABASE_URL", f"sqlite:///{path}")
    runtime.configure(get_settings())
    at = run_page("pages/alerts.py")
    assert not at.exception
    assert any("The demo viewer has no alert inbox" in i.value for i in at.info)
    assert len(at.button) == 0 and len(at.tabs) == 0


def test_an_agent_has_no_manager_sections(agent_inbox):
    at = run_page("pages/alerts.py")
    assert [t.label for t in at.tabs] == ["Inbox", "Preferences", "Muted rules"]


def test_a_manager_follows_a_talent_and_sets_its_threshold(app_db):
    at = run_page("pages/alerts.py")  # app_db signs in a manager
    assert [t.label for t in at.tabs] == ["Inbox", "Preferences", "Muted rules", "Following", "Thresholds"]
    assert any("No alerts yet" in i.value for i in at.info)
    tyler = talent_id(app_db, "Tyler Brooks")
    at.selectbox(key="follow_pick").set_value(tyler).run()
    at.button(key="follow").click().run()
    assert [shown(t.value) for t in at.toast] == ["Following Tyler Brooks"]
    assert any(t.value.startswith("Tyler Brooks · since ") for t in at.text)
    with app_db.connect() as conn:
        assert conn.execute(select(TalentFollow.talent_id)).scalars().all() == [tyler]

    at.selectbox(key="threshold_talent").set_value(tyler).run()
    at.selectbox(key="threshold_rule").set_value("follower_drop").run()
    at.number_input(key=f"threshold_value_{tyler}_follower_drop").set_value(150.0).run()
    at.button(key="threshold_set").click().run()
    assert [shown(e.value) for e in at.error] == [
        "The threshold must be between 0 and 100 (followers down by at least this many percent); got 150."]
    at.number_input(key=f"threshold_value_{tyler}_follower_drop").set_value(5.0).run()
    at.button(key="threshold_set").click().run()
    assert not at.error and [shown(t.value) for t in at.toast] == ["Follower drop threshold set for Tyler Brooks"]
    with app_db.connect() as conn:
        assert conn.execute(select(AlertThreshold.rule, AlertThreshold.value)).all() == [("follower_drop", 5.0)]
    table = at.dataframe[0].value
    assert table.loc[table["Rule"] == "Follower drop", "This talent"].item() == 5.0
    at.button(key="threshold_clear").click().run()
    with app_db.connect() as conn:
        assert conn.execute(select(AlertThreshold.id)).all() == []
