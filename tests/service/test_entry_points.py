"""Every entry point a page, the API or the CLI calls checks the identity itself, and leaves a dead database
as DatabaseUnavailable — on a real database (SQLite and PostgreSQL), never through a page's own guard."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from intel import runtime
from intel.accounts import auth
from intel.accounts.access import CAPABILITIES
from intel.accounts.auth import DEMO_VIEWER, SYSTEM, Identity
from intel.analytics.window import Window
from intel.config import get_settings
from intel.connectors.crypto import new_key
from intel.db.alerts import Alert, InboxItem
from intel.db.engine import transaction
from intel.errors import DatabaseUnavailable, IntelError, PermissionDenied
from intel.service import (
    accounts,
    alert_delivery,
    alert_settings,
    alerts,
    connections,
    digest,
    imports,
    operations,
    ops,
    report_files,
    reports,
    share_links,
    syncs,
)
from intel.service import talents as service
from tests.factories import make_talent

PASSWORD = "correct horse battery staple"
TALENTS_CSV = Path(__file__).resolve().parents[2] / "docs" / "examples" / "talents.csv"
DEAD_URL = "postgresql+psycopg2://nobody@127.0.0.1:1/none"
ROLES: tuple[str | None, ...] = ("agent", "manager", "admin", "demo", "system", None)
_emails = itertools.count()


@dataclass
class World:
    """Stored accounts (one per stored role), two talents assigned to the agent, the identities of every role."""

    identities: dict[str | None, Identity | None]
    talents: list[int]
    items: dict[str, int] = field(default_factory=dict)  # role -> an inbox item of that account

    def item(self, who: Identity | None) -> int:
        """The inbox item of `who`'s account (an unknown id for identities without one: they are refused first)."""
        return self.items.get(who.role if who else "", 10**9)


@pytest.fixture
def world(engine, database_url, make_runtime, installed_runtime, monkeypatch) -> World:
    """A runtime on the test database (embedded cache) with accounts for agent, manager, admin and a target."""
    # Real argon2id at its lowest cost: this test is about who may call what, not about hashing strength.
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    # A secret key: saving a webhook URL encrypts it.
    installed_runtime(make_runtime(database_url, connectors=replace(get_settings({}).connectors,
                                                                    secret_keys=(new_key(),))))
    talents = [make_talent(engine, name="One"), make_talent(engine, name="Two")]
    identities: dict[str | None, Identity | None] = {"demo": DEMO_VIEWER, "system": SYSTEM, None: None}
    for role in ("agent", "manager", "admin"):
        email = f"{role}@agency.test"
        identities[role] = Identity(accounts.create_user(SYSTEM, email, role.title(), role, PASSWORD), email,
                                    role.title(), role)
    accounts.create_user(SYSTEM, "target@agency.test", "Target", "agent", PASSWORD)
    accounts.assign_talents(SYSTEM, "agent@agency.test", talents)
    items: dict[str, int] = {}
    with transaction(engine) as s:
        alert = Alert(talent_id=talents[0], rule="follower_drop", dedup_key="entry-points", title="t", message="m")
        s.add(alert)
        s.flush()
        for role in ("agent", "manager", "admin"):
            identity = identities[role]
            assert identity is not None and identity.user_id is not None
            item = InboxItem(alert_id=alert.id, user_id=identity.user_id)
            s.add(item)
            s.flush()
            items[role] = item.id
    return World(identities, talents, items)


Call = Callable[[Identity | None, World], Any]


def unique_email() -> str:
    return f"new{next(_emails)}@agency.test"


# (entry point, who may call it: a capability of intel.accounts.access or "own account", the call)
ENTRY_POINTS: list[Any] = [
    ("talents.roster", "view", lambda who, w: service.roster(who)),
    ("talents.talent_choices", "view", lambda who, w: service.talent_choices(who)),
    ("talents.talent_exists", "view", lambda who, w: service.talent_exists(who, w.talents[0])),
    ("talents.authorize_talent", "view", lambda who, w: service.authorize_talent(who, w.talents[0])),
    ("talents.serve_for", "view", lambda who, w: service.serve_for(who, w.talents[0])),
    ("talents.serve_window_for", "view",
     lambda who, w: service.serve_window_for(who, w.talents[0], Window.last(90, datetime.now(UTC).date()))),
    ("talents.refresh_for", "refresh", lambda who, w: service.refresh_for(who, w.talents[0])),
    ("talents.queue_refresh_for", "refresh", lambda who, w: service.queue_refresh_for(who, w.talents[0])),
    ("talents.queued_refresh_for", "view", lambda who, w: service.queued_refresh_for(who, w.talents[0])),
    ("talents.refresh_outcomes_for", "view", lambda who, w: service.refresh_outcomes_for(who)),
    ("talents.compare_talents", "compare", lambda who, w: service.compare_talents(who, w.talents)),
    ("talents.timezone_setting", "view", lambda who, w: service.timezone_setting(who, w.talents[0])),
    ("talents.set_timezone", "edit_talent", lambda who, w: service.set_timezone(who, w.talents[0], "Europe/Lisbon")),
    ("accounts.list_users", "users", lambda who, w: accounts.list_users(who)),
    ("accounts.create_user", "users",
     lambda who, w: accounts.create_user(who, unique_email(), "New", "agent", PASSWORD)),
    ("accounts.set_role", "users", lambda who, w: accounts.set_role(who, "target@agency.test", "manager")),
    ("accounts.set_active", "users", lambda who, w: accounts.set_active(who, "target@agency.test", True)),
    ("accounts.reset_password", "users",
     lambda who, w: accounts.reset_password(who, "target@agency.test", "another passphrase 42")),
    ("accounts.assign_talents", "users",
     lambda who, w: accounts.assign_talents(who, "agent@agency.test", w.talents[:1])),
    ("accounts.issue_api_token", "users", lambda who, w: accounts.issue_api_token(who, "target@agency.test", "t")),
    ("accounts.revoke_api_tokens", "users", lambda who, w: accounts.revoke_api_tokens(who, "target@agency.test")),
    ("accounts.change_own_password", "own account",
     lambda who, w: accounts.change_own_password(who, PASSWORD, PASSWORD)),
    ("imports.import_file", "import", lambda who, w: imports.import_file(who, "talents", TALENTS_CSV)),
    ("operations.cache_stats", "ops", lambda who, w: operations.cache_stats(who)),
    ("operations.cache_clear", "ops", lambda who, w: operations.cache_clear(who, w.talents[0])),
    ("operations.talent_ids", "ops", lambda who, w: operations.talent_ids(who)),
    ("operations.cache_warm", "ops", lambda who, w: operations.cache_warm(who, w.talents[:1])),
    ("operations.rescore_sentiment", "ops", lambda who, w: operations.rescore_sentiment(who)),
    # Generating the demo roster takes ~10 s per allowed role on a busy machine: in the slow run only.
    pytest.param("operations.reload_demo", "ops", lambda who, w: operations.reload_demo(who, 7),
                 marks=pytest.mark.slow, id="operations.reload_demo"),
    ("ops.overview", "ops", lambda who, w: ops.overview(who)),
    ("ops.refresh_activity", "ops", lambda who, w: ops.refresh_activity(who)),
    ("ops.activity_log", "ops", lambda who, w: ops.activity_log(who, "refresh")),
    ("ops.actions", "ops", lambda who, w: ops.actions(who)),
    ("ops.freshness", "ops", lambda who, w: ops.freshness(who)),
    ("connections.list_connections", "view", lambda who, w: connections.list_connections(who, w.talents[0])),
    ("syncs.sync_overview", "ops", lambda who, w: syncs.sync_overview(who)),
    ("reports.build_report", "view", lambda who, w: reports.build_report(who, w.talents[0], fmt="html")),
    ("report_files.report_file", "view", lambda who, w: report_files.report_file(who, w.talents[0], fmt="html")),
    ("share_links.create_share_link", "share", lambda who, w: share_links.create_share_link(who, w.talents[0])),
    ("share_links.list_share_links", "share", lambda who, w: share_links.list_share_links(who, w.talents[0])),
    ("alerts.inbox", "view", lambda who, w: alerts.inbox(who)),
    ("digest.weekly_digest", "view", lambda who, w: digest.weekly_digest(who, fresh=True)),
    ("alert_delivery.outbox_status", "ops", lambda who, w: alert_delivery.outbox_status(who)),
    ("alerts.unread_count", "view", lambda who, w: alerts.unread_count(who)),
    ("alerts.mute", "alert_settings", lambda who, w: alerts.mute(who, w.item(who))),
    ("alerts.unmute", "alert_settings", lambda who, w: alerts.unmute(who, w.talents[0], "follower_drop")),
    ("alerts.mutes", "alert_settings", lambda who, w: alerts.mutes(who)),
    ("alert_settings.preferences", "alert_settings", lambda who, w: alert_settings.preferences(who)),
    ("alert_settings.save_preferences", "alert_settings",
     lambda who, w: alert_settings.save_preferences(who, email_enabled=True, webhook_enabled=True,
                                                    digest_enabled=False, timezone="Europe/Lisbon",
                                                    quiet_start=time(22), quiet_end=time(7),
                                                    webhook_url="https://hooks.example.com/x")),
    ("alert_settings.follow", "follow", lambda who, w: alert_settings.follow(who, w.talents[0])),
    ("alert_settings.unfollow", "follow", lambda who, w: alert_settings.unfollow(who, w.talents[0])),
    ("alert_settings.follows", "follow", lambda who, w: alert_settings.follows(who)),
    ("alert_settings.thresholds", "manage_alerts", lambda who, w: alert_settings.thresholds(who, w.talents[0])),
    ("alert_settings.set_threshold", "manage_alerts",
     lambda who, w: alert_settings.set_threshold(who, w.talents[0], "follower_drop", 5)),
    ("alert_settings.clear_threshold", "manage_alerts",
     lambda who, w: alert_settings.clear_threshold(who, w.talents[0], "follower_drop")),
]


def _name(entry: Any) -> str:
    return str(entry.values[0] if hasattr(entry, "values") else entry[0])


def allowed_roles(rule: str) -> set[str | None]:
    """The roles the rule lets in: a capability's table row, or the stored accounts for their own account."""
    if rule == "own account":
        return {"agent", "manager", "admin"}
    return {role for role in ROLES if role in CAPABILITIES[rule]}


@pytest.mark.parametrize(("name", "rule", "call"), ENTRY_POINTS, ids=[_name(e) for e in ENTRY_POINTS])
def test_every_entry_point_lets_in_exactly_the_roles_its_capability_names(world, name, rule, call):
    outcome = {}
    for role in ROLES:
        try:
            call(world.identities[role], world)
            outcome[role] = "allowed"
        except PermissionDenied:
            outcome[role] = "refused"
    assert outcome == {role: "allowed" if role in allowed_roles(rule) else "refused" for role in ROLES}


def test_the_system_identity_is_never_a_stored_account_nor_a_sign_in_session(world):
    with pytest.raises(IntelError, match="Role must be one of agent, manager, admin"):
        accounts.create_user(SYSTEM, "system@agency.test", "System", "system", PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.start_session(SYSTEM)


# What each façade does with the database unreachable: raise DatabaseUnavailable, unless it is built to
# degrade (cached copies stay readable for roles that see every talent; the refresh answers "failed"; warming
# counts failures; cache figures come from the stores).
DEGRADES = {"talents.authorize_talent", "talents.refresh_for", "talents.queue_refresh_for",
            "talents.queued_refresh_for", "talents.refresh_outcomes_for", "operations.cache_stats",
            "operations.cache_clear", "operations.cache_warm", "ops.overview"}
PRE_IDENTITY: list[tuple[str, Callable[[], Any]]] = [
    ("accounts.has_users", accounts.has_users),
    ("accounts.create_first_admin", lambda: accounts.create_first_admin("boss@agency.test", "Boss", PASSWORD)),
    ("accounts.authenticate", lambda: accounts.authenticate("agent@agency.test", PASSWORD, client="test")),
    ("accounts.start_session", lambda: accounts.start_session(Identity(1, "a@agency.test", "A", "agent"))),
    ("accounts.end_session", lambda: accounts.end_session("token", None)),
    ("accounts.identity_for_session", lambda: accounts.identity_for_session("token")),
    ("accounts.identity_for_api_token", lambda: accounts.identity_for_api_token("ti_token")),
]


@pytest.fixture
def dead_database(installed_runtime):
    """The process runtime on a PostgreSQL port nobody listens on (embedded cache)."""
    rt = installed_runtime(runtime.build_runtime(get_settings({"DATABASE_URL": DEAD_URL})))
    yield World({"system": SYSTEM, "own": Identity(1, "a@agency.test", "A", "agent")}, [1, 2])
    runtime.close(rt)


@pytest.mark.parametrize(("name", "rule", "call"), [tuple(getattr(e, "values", e)) for e in ENTRY_POINTS
                                                      if _name(e) not in DEGRADES],
                         ids=[_name(e) for e in ENTRY_POINTS if _name(e) not in DEGRADES])
def test_every_facade_turns_an_unreachable_database_into_database_unavailable(dead_database, name, rule, call):
    who = dead_database.identities["own" if rule == "own account" else "system"]
    if who is not None and who.role not in allowed_roles(rule):  # e.g. the system has no alert settings
        who = Identity(1, "a@agency.test", "A", min(r for r in allowed_roles(rule) if r))
    with pytest.raises(DatabaseUnavailable, match="cannot be reached"):
        call(who, dead_database)


@pytest.mark.parametrize(("name", "call"), PRE_IDENTITY, ids=[p[0] for p in PRE_IDENTITY])
def test_sign_in_entry_points_turn_an_unreachable_database_into_database_unavailable(dead_database, name, call):
    with pytest.raises(DatabaseUnavailable, match="cannot be reached"):
        call()


def test_the_degrading_facades_answer_in_plain_terms_with_the_database_down(dead_database):
    service.authorize_talent(SYSTEM, 1)  # may see every talent: a cached copy may still be served
    with pytest.raises(DatabaseUnavailable):
        service.authorize_talent(Identity(1, "a@agency.test", "A", "agent"), 1)  # assignment cannot be checked
    assert service.refresh_for(SYSTEM, 1).status == "failed"
    assert service.queue_refresh_for(SYSTEM, 1).status == "failed"  # the slot was free: it tried, and failed
    assert service.queued_refresh_for(SYSTEM, 1) is None  # the queue is in the stores
    assert service.refresh_outcomes_for(SYSTEM) == []
    assert operations.cache_warm(SYSTEM, [1]).failed == 1
    assert operations.cache_clear(SYSTEM, 1) == 1
    assert ops.overview(SYSTEM).redis_status == "embedded (no Redis)"
