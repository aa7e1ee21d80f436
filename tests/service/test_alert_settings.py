"""Alert settings on both databases: muting from the inbox, preferences (validation, the webhook URL encrypted at
rest and never handed back), managers' follows and per-talent thresholds, and access throughout (an agent never
sees or acts on another agent's talent)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from intel.accounts.auth import SYSTEM
from intel.alerts.recipients import recipients
from intel.alerts.thresholds import thresholds_for
from intel.config import get_settings
from intel.connectors.crypto import TokenBox, new_key
from intel.db.alerts import Alert, AlertMute, AlertPreference, InboxItem
from intel.db.engine import transaction
from intel.db.models import AdminActivity, Talent
from intel.errors import IntelError, PermissionDenied, TalentNotFound
from intel.service import alert_settings, alerts

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HOOK = "https://hooks.example.com/services/T000/B000/secret-part"


@pytest.fixture
def key(people, database_url, make_runtime, installed_runtime) -> str:
    """The process runtime again, now with an INTEL_SECRET_KEY (the people stay: same database)."""
    secret = new_key()
    installed_runtime(make_runtime(database_url, connectors=replace(get_settings({}).connectors,
                                                                    secret_keys=(secret,))))
    return secret


@pytest.fixture
def world(engine, people, key):
    agent, other = people["agent"], people["other"]
    with transaction(engine) as s:
        mine = Talent(name="Ana", primary_handle="@ana", agent_id=agent.user_id)
        theirs = Talent(name="Bo", primary_handle="@bo", agent_id=other.user_id)
        s.add_all([mine, theirs])
        s.flush()
        ids = mine.id, theirs.id
        items = {}
        for name, talent, users in (("mine", mine.id, [agent, people["manager"]]), ("theirs", theirs.id, [other])):
            alert = Alert(talent_id=talent, rule="follower_drop", scope="instagram", dedup_key=name,
                          title="followers down", message="lost 210 followers", raised_at=NOW)
            s.add(alert)
            s.flush()
            rows = [InboxItem(alert_id=alert.id, user_id=u.user_id, created_at=NOW) for u in users]
            s.add_all(rows)
            s.flush()
            items[name] = [r.id for r in rows]
        # A stray row for the agent on the other agent's talent (left from before a hand-over): never theirs.
        stray = InboxItem(alert_id=s.scalars(select(Alert.id).where(Alert.dedup_key == "theirs")).one(),
                          user_id=agent.user_id, created_at=NOW)
        s.add(stray)
        s.flush()
        items["stray"] = [stray.id]
    return {"mine": ids[0], "theirs": ids[1], "items": items}


def _actions(engine, actor: str) -> list[str]:
    with transaction(engine) as s:
        return list(s.scalars(select(AdminActivity.action).where(AdminActivity.actor == actor)
                              .order_by(AdminActivity.id)))


# ------------------------------------------------------------------------------------------- mutes


def test_muting_from_the_inbox_silences_the_rule_for_that_talent_and_reads_the_item(engine, people, world):
    agent = people["agent"]
    muted = alerts.mute(agent, world["items"]["mine"][0], now=NOW)
    assert (muted.talent_id, muted.talent_name, muted.rule) == (world["mine"], "Ana", "follower_drop")
    assert alerts.unread_count(agent, now=NOW) == 0
    assert [e.state for e in alerts.inbox(agent, now=NOW)] == ["acknowledged"]
    alerts.mute(agent, world["items"]["mine"][0], now=NOW)  # twice: still one mute, one audit row
    assert [(m.talent_name, m.rule) for m in alerts.mutes(agent)] == [("Ana", "follower_drop")]
    with transaction(engine) as s:
        assert recipients(s, world["mine"], "follower_drop") == []  # the agent muted it; no manager follows
        assert agent.user_id in {u.id for u in recipients(s, world["mine"], "spam_surge")}  # that rule only
    assert alerts.unmute(agent, world["mine"], "follower_drop") is True
    assert alerts.unmute(agent, world["mine"], "follower_drop") is False
    assert alerts.mutes(agent) == []
    assert _actions(engine, agent.email) == ["alert_muted", "alert_unmuted"]


def test_an_agent_never_mutes_or_unmutes_another_agents_talent(engine, people, world):
    agent = people["agent"]
    with pytest.raises(alerts.InboxItemNotFound):
        alerts.mute(agent, world["items"]["stray"][0], now=NOW)  # their own row, but not their talent any more
    with pytest.raises(alerts.InboxItemNotFound):
        alerts.mute(agent, world["items"]["theirs"][0], now=NOW)  # the other agent's row
    with pytest.raises(TalentNotFound):
        alerts.unmute(agent, world["theirs"], "follower_drop")
    # A mute left on a talent handed to someone else is not listed.
    with transaction(engine) as s:
        s.add(AlertMute(user_id=agent.user_id, talent_id=world["theirs"], rule="spam_surge"))
    assert alerts.mutes(agent) == []
    with pytest.raises(IntelError, match="not an alert rule"):
        alerts.unmute(agent, world["mine"], "<b>nope</b>")


def test_the_demo_viewer_and_the_command_line_have_no_alert_settings(people, world):
    from intel.accounts.auth import DEMO_VIEWER

    for who in (DEMO_VIEWER, SYSTEM):
        with pytest.raises(PermissionDenied):
            alerts.mutes(who)
        with pytest.raises(PermissionDenied):
            alert_settings.preferences(who)


# ------------------------------------------------------------------------------------------- preferences


def test_preferences_default_when_never_saved(people, key):
    prefs = alert_settings.preferences(people["agent"])
    assert prefs == alert_settings.Preferences(default_timezone="UTC")
    assert prefs.email_enabled and prefs.digest_enabled and not prefs.webhook_enabled and not prefs.has_webhook


def test_saving_preferences_stores_the_webhook_url_encrypted_and_never_returns_it(engine, people, key):
    agent = people["agent"]
    saved = alert_settings.save_preferences(agent, email_enabled=False, webhook_enabled=True, digest_enabled=False,
                                            timezone=" europe/lisbon ", quiet_start=time(22), quiet_end=time(7),
                                            webhook_url=HOOK)
    assert saved == alert_settings.Preferences(False, True, True, False, "Europe/Lisbon", time(22), time(7), "UTC")
    assert HOOK not in repr(saved)
    with transaction(engine) as s:
        row = s.get_one(AlertPreference, agent.user_id)
        sealed = row.webhook_url_encrypted
        assert sealed and HOOK not in sealed and "hooks.example.com" not in sealed
        assert TokenBox((key,)).open(sealed) == HOOK
        # Nowhere else in the database either: the audit row says only that it changed.
        details = s.scalars(select(AdminActivity.details).where(AdminActivity.action == "alert_preferences_saved"))
        assert all(HOOK not in str(d) for d in details)
    # Saving again without a URL keeps the stored one; removing it switches the webhook off too.
    again = alert_settings.save_preferences(agent, email_enabled=True, webhook_enabled=True, digest_enabled=True,
                                            timezone=None, quiet_start=None, quiet_end=None)
    assert again.has_webhook and again.timezone is None and again.quiet_start is None
    with transaction(engine) as s:
        assert s.get_one(AlertPreference, agent.user_id).webhook_url_encrypted == sealed
    with pytest.raises(IntelError, match="Add a webhook URL"):
        alert_settings.save_preferences(agent, email_enabled=True, webhook_enabled=True, digest_enabled=True,
                                        timezone=None, quiet_start=None, quiet_end=None, remove_webhook=True)
    assert alert_settings.preferences(agent).has_webhook  # the refused save changed nothing
    gone = alert_settings.save_preferences(agent, email_enabled=True, webhook_enabled=False, digest_enabled=True,
                                           timezone=None, quiet_start=None, quiet_end=None, remove_webhook=True)
    assert not gone.has_webhook
    # Each person has their own row.
    assert alert_settings.preferences(people["other"]) == alert_settings.Preferences(default_timezone="UTC")


@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone"),
    ({"quiet_start": time(22)}, "Quiet hours need both a start and an end"),
    ({"quiet_end": time(7)}, "Quiet hours need both a start and an end"),
    ({"quiet_start": time(7), "quiet_end": time(7)}, "different times"),
    ({"webhook_url": "http://hooks.example.com/x"}, "must start with https://"),
    ({"webhook_url": "ftp://hooks.example.com/x"}, "must start with https://"),
    ({"webhook_url": "javascript:alert(1)"}, "it must look like https://"),
    ({"webhook_url": "https://user:pw@hooks.example.com/x"}, "user name or password"),
    ({"webhook_url": "https://hooks.example.com/a b"}, "not valid"),
    ({"webhook_enabled": True}, "Add a webhook URL"),
])
def test_preferences_are_validated_in_plain_words(engine, people, key, changes, message):
    values = {"email_enabled": True, "webhook_enabled": False, "digest_enabled": True, "timezone": None,
              "quiet_start": None, "quiet_end": None, **changes}
    with pytest.raises(IntelError, match=message):
        alert_settings.save_preferences(people["agent"], **values)
    with transaction(engine) as s:
        assert s.get(AlertPreference, people["agent"].user_id) is None


def test_a_local_http_webhook_is_allowed_for_tests(people, key):
    for url in ("http://127.0.0.1:8123/hook", "http://localhost/hook"):
        assert alert_settings.save_preferences(people["agent"], email_enabled=True, webhook_enabled=True,
                                               digest_enabled=True, timezone=None, quiet_start=None, quiet_end=None,
                                               webhook_url=url).has_webhook


def test_without_a_secret_key_a_webhook_url_is_refused_in_plain_words(people):
    with pytest.raises(IntelError, match="INTEL_SECRET_KEY, which is not set"):
        alert_settings.save_preferences(people["agent"], email_enabled=True, webhook_enabled=True,
                                        digest_enabled=True, timezone=None, quiet_start=None, quiet_end=None,
                                        webhook_url=HOOK)


# ------------------------------------------------------------------------------------------- follows, thresholds


def test_a_manager_follows_a_talent_and_hears_of_its_alerts(engine, people, world):
    manager = people["manager"]
    followed = alert_settings.follow(manager, world["theirs"])
    assert followed.talent_name == "Bo"
    alert_settings.follow(manager, world["theirs"])  # twice: one follow
    assert [f.talent_name for f in alert_settings.follows(manager)] == ["Bo"]
    with transaction(engine) as s:
        assert manager.user_id in {u.id for u in recipients(s, world["theirs"], "follower_drop")}
    assert alert_settings.unfollow(manager, world["theirs"]) is True
    assert alert_settings.unfollow(manager, world["theirs"]) is False
    assert alert_settings.follows(manager) == []
    assert _actions(engine, manager.email) == ["talent_followed", "talent_unfollowed"]
    with pytest.raises(TalentNotFound):
        alert_settings.follow(manager, 10**6)


def test_agents_neither_follow_nor_set_thresholds(people, world):
    agent = people["agent"]
    for call in (lambda: alert_settings.follow(agent, world["mine"]), lambda: alert_settings.follows(agent),
                 lambda: alert_settings.thresholds(agent, world["mine"]),
                 lambda: alert_settings.set_threshold(agent, world["mine"], "follower_drop", 5)):
        with pytest.raises(PermissionDenied):
            call()


def test_a_manager_sets_and_clears_a_talents_threshold(engine, people, world):
    manager = people["manager"]
    assert alert_settings.set_threshold(manager, world["mine"], "follower_drop", 5) == 5
    assert alert_settings.set_threshold(manager, world["mine"], "sync_failing", 4.0) == 4
    rows = {t.rule: t for t in alert_settings.thresholds(manager, world["mine"])}
    assert (rows["follower_drop"].default, rows["follower_drop"].value) == (2.0, 5.0)
    assert rows["follower_drop"].set_by == "manager@agency.test"
    assert rows["spam_surge"].value is None
    with transaction(engine) as s:
        limits = thresholds_for(s, world["mine"], get_settings({}).alerts.rules)
    assert (limits.follower_drop_pct, limits.sync_failures) == (5.0, 4)
    assert alert_settings.clear_threshold(manager, world["mine"], "follower_drop") is True
    assert alert_settings.clear_threshold(manager, world["mine"], "follower_drop") is False
    assert {t.rule: t.value for t in alert_settings.thresholds(manager, world["mine"])}["follower_drop"] is None
    assert _actions(engine, manager.email) == ["alert_threshold_set", "alert_threshold_set",
                                               "alert_threshold_cleared"]


@pytest.mark.parametrize(("rule", "value", "message"), [
    ("follower_drop", 0, "between 0 and 100"),
    ("follower_drop", 150, "between 0 and 100"),
    ("engagement_drop", 1.5, "between 0 and 1"),
    ("negative_comments", -1, "above 0"),
    ("spam_surge", float("nan"), "between 0 and 100"),
    ("sync_failing", 2.5, "whole number"),
    ("stale_data", 3, "has no per-talent threshold"),
])
def test_thresholds_are_validated_in_plain_words(people, world, rule, value, message):
    with pytest.raises(IntelError, match=message):
        alert_settings.set_threshold(people["manager"], world["mine"], rule, value)
    assert all(t.value is None for t in alert_settings.thresholds(people["manager"], world["mine"]))
