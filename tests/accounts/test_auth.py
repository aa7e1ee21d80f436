"""Accounts, sessions, tokens, lockout and access rules, on SQLite and PostgreSQL."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from sqlalchemy import select, update

from intel import runtime
from intel.accounts import auth
from intel.accounts.access import can, check_talent
from intel.accounts.auth import SYSTEM, Identity
from intel.cache.store import MemoryStore
from intel.config import get_settings
from intel.db.engine import make_engine
from intel.db.models import AdminActivity, User, UserSession
from intel.errors import AccountLocked, AuthError, IntelError, PermissionDenied, TalentNotFound
from intel.service import accounts
from intel.service import talents as service
from tests.factories import empty_tables, make_talent

PASSWORD = "correct horse battery staple"


def account(role="agent", email=None):
    email = email or f"{role}@agency.test"
    accounts.create_user(SYSTEM, email, role.title(), role, PASSWORD)
    return accounts.authenticate(email, PASSWORD, client="10.0.0.1")


def actions(engine):
    with engine.connect() as conn:
        return [r for (r,) in conn.execute(select(AdminActivity.action).order_by(AdminActivity.id))]


def test_passwords_are_stored_as_argon2id_hashes_never_in_clear(live, engine):
    account("admin")
    with engine.connect() as conn:
        stored = conn.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_production_hashes_use_argon2id_at_the_rfc_9106_low_memory_cost():
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from tests.accounts.conftest import PRODUCTION_DUMMY_HASH, PRODUCTION_HASHER

    stored = PRODUCTION_HASHER.hash(PASSWORD)
    params = RFC_9106_LOW_MEMORY
    assert stored.startswith(f"$argon2id$v=19$m={params.memory_cost},t={params.time_cost},p={params.parallelism}$")
    assert params.time_cost >= 3 and params.memory_cost >= 65_536
    assert PRODUCTION_HASHER.verify(stored, PASSWORD)
    # The "no such user" hash costs what a real one does, so both answers take as long.
    assert not PRODUCTION_HASHER.check_needs_rehash(PRODUCTION_DUMMY_HASH)


def test_a_short_password_is_refused_with_the_rule(live):
    with pytest.raises(IntelError, match="at least 12 characters"):
        accounts.create_user(SYSTEM, "a@agency.test", "A", "agent", "short")


def test_the_first_admin_can_only_be_created_on_an_empty_database(live):
    assert not accounts.has_users()
    accounts.create_first_admin("Boss@Agency.test", "Boss", PASSWORD)
    assert accounts.has_users()
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin("other@agency.test", "Other", PASSWORD)


@pytest.mark.slow
def test_wrong_password_and_unknown_email_get_the_same_message(live):
    account()
    with pytest.raises(AuthError) as wrong:
        accounts.authenticate("agent@agency.test", "not the password", client="c")
    with pytest.raises(AuthError) as unknown:
        accounts.authenticate("nobody@agency.test", "not the password", client="c")
    assert str(wrong.value) == str(unknown.value)


@pytest.mark.slow
def test_five_failures_lock_the_account_for_15_minutes_even_with_the_right_password(live, engine):
    account()
    for _ in range(5):
        with pytest.raises(AuthError):
            accounts.authenticate("agent@agency.test", "wrong password!", client="c1")
    with pytest.raises(AccountLocked, match="Try again in 15 min"):
        accounts.authenticate("agent@agency.test", PASSWORD, client="c2")
    assert actions(engine).count("sign_in_failed") == 5


@pytest.mark.slow
def test_five_typos_by_ann_do_not_stop_bob_signing_in_from_the_same_address(live):
    office = "198.51.100.20"  # behind the agency's proxy or NAT every colleague has this address
    account(email="ann@agency.test")
    account(email="bob@agency.test")
    for _ in range(5):
        with pytest.raises(AuthError):
            accounts.authenticate("ann@agency.test", "wrong password!", client=office)
    with pytest.raises(AccountLocked):
        accounts.authenticate("ann@agency.test", PASSWORD, client=office)
    assert accounts.authenticate("bob@agency.test", PASSWORD, client=office).email == "bob@agency.test"


@pytest.fixture
def sqlite_live(sqlite_url, make_runtime, installed_runtime):
    """The process runtime on SQLite with the embedded store (for tests whose subject is not the database)."""
    installed_runtime(make_runtime(sqlite_url))
    engine = make_engine(sqlite_url)
    yield engine
    empty_tables(engine)
    engine.dispose()


@pytest.mark.slow
def test_one_client_is_throttled_at_its_fiftieth_failure_not_before(sqlite_live):
    # One database only: ~50 argon2 checks take long, and the counters do not depend on the database.
    account()
    for n in range(auth.MAX_CLIENT_FAILURES - 1):
        with pytest.raises(AuthError):
            accounts.authenticate(f"guess{n}@agency.test", "wrong password!", client="203.0.113.9")
    assert accounts.authenticate("agent@agency.test", PASSWORD, client="203.0.113.9").role == "agent"
    with pytest.raises(AuthError):
        accounts.authenticate("guess-last@agency.test", "wrong password!", client="203.0.113.9")
    with pytest.raises(AccountLocked, match="Try again in 15 min"):
        accounts.authenticate("agent@agency.test", PASSWORD, client="203.0.113.9")
    assert accounts.authenticate("agent@agency.test", PASSWORD, client="198.51.100.1").email == "agent@agency.test"


PROXIES = (ip_network("10.0.0.5/32"), ip_network("10.1.0.0/16"))


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("203.0.113.9", [], "203.0.113.9"),                               # no proxy, no header
    ("203.0.113.9", ["1.2.3.4"], "203.0.113.9"),                      # untrusted peer: its header is ignored
    ("10.0.0.5", ["198.51.100.7"], "198.51.100.7"),                   # our proxy: the client it saw
    ("10.0.0.5", ["6.6.6.6, 198.51.100.7"], "198.51.100.7"),          # a forged left hop proves nothing
    ("10.0.0.5", ["6.6.6.6, 198.51.100.7, 10.1.2.3"], "198.51.100.7"),  # two proxies of ours in a row
    ("10.0.0.5", ["6.6.6.6", "198.51.100.7"], "198.51.100.7"),        # the header sent twice
    ("10.0.0.5", [], "10.0.0.5"),                                     # the proxy itself, no header
    (None, ["1.2.3.4"], "unknown"),
])
def test_the_client_address_believes_x_forwarded_for_only_from_trusted_proxies(peer, forwarded, expected):
    assert auth.client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_x_forwarded_for_is_never_believed():
    assert auth.client_address("127.0.0.1", ["1.2.3.4"], ()) == "127.0.0.1"


@pytest.mark.slow
def test_the_lock_ends_by_itself_after_15_minutes(engine, database_url):
    now = [1000.0]  # the embedded store's clock: the lock's end is the store's time
    rt = runtime.build_runtime(get_settings({"DATABASE_URL": database_url}), local=MemoryStore(clock=lambda: now[0]))
    with runtime.use(rt):
        account()
        for _ in range(5):
            with pytest.raises(AuthError):
                accounts.authenticate("agent@agency.test", "wrong password!", client="c")
        now[0] += auth.LOCK_S - 30
        with pytest.raises(AccountLocked, match="Try again in 1 min"):
            accounts.authenticate("agent@agency.test", PASSWORD, client="c")
        now[0] += 31
        assert accounts.authenticate("agent@agency.test", PASSWORD, client="c").role == "agent"
    runtime.close(rt)


def test_a_session_lives_until_sign_out_then_is_gone_everywhere(live, engine):
    identity = account("manager")
    token = accounts.start_session(identity)
    assert accounts.identity_for_session(token) == identity
    accounts.end_session(token, identity)
    assert accounts.identity_for_session(token) is None
    assert {"sign_in", "sign_out"} <= set(actions(engine))


def test_an_expired_session_is_refused(live, engine):
    token = accounts.start_session(account())
    with engine.begin() as conn:
        conn.execute(update(UserSession).values(expires_at=UserSession.created_at))
    assert accounts.identity_for_session(token) is None


def test_a_stored_session_is_only_a_hash_of_the_token(live, engine):
    token = accounts.start_session(account())
    with engine.connect() as conn:
        stored = conn.execute(select(UserSession.token_hash)).scalar_one()
    assert stored != token and stored == auth.token_hash(token)


def test_deactivation_ends_sessions_and_refuses_sign_in(live):
    token = accounts.start_session(account())
    accounts.set_active(SYSTEM, "agent@agency.test", False)
    assert accounts.identity_for_session(token) is None
    with pytest.raises(AuthError):
        accounts.authenticate("agent@agency.test", PASSWORD, client="c")
    accounts.set_active(SYSTEM, "agent@agency.test", True)
    assert accounts.authenticate("agent@agency.test", PASSWORD, client="c").role == "agent"


@pytest.mark.slow
def test_changing_a_password_ends_the_other_sessions(live):
    agent = account()
    token = accounts.start_session(agent)
    accounts.change_own_password(agent, PASSWORD, "a brand new passphrase")
    assert accounts.identity_for_session(token) is None
    assert accounts.authenticate("agent@agency.test", "a brand new passphrase", client="c")
    with pytest.raises(IntelError, match="current password is not correct"):
        accounts.change_own_password(agent, PASSWORD, "another new passphrase")


def test_api_tokens_identify_their_user_until_revoked(live, engine):
    account("manager")
    token = accounts.issue_api_token(SYSTEM, "manager@agency.test", "reporting")
    assert accounts.identity_for_api_token(token).email == "manager@agency.test"
    assert accounts.revoke_api_tokens(SYSTEM, "manager@agency.test") == 1
    assert accounts.identity_for_api_token(token) is None
    assert {"api_token_issued", "api_token_revoked"} <= set(actions(engine))


def test_an_agent_sees_only_assigned_talents_and_gets_one_message_for_the_rest(live, engine):
    mine, theirs = make_talent(engine, name="Mine"), make_talent(engine, name="Theirs")
    agent = account("agent")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [mine])
    assert [r.name for r in service.roster(agent)] == ["Mine"]
    with engine.connect() as conn, pytest.raises(TalentNotFound) as other:
        from sqlalchemy.orm import Session

        check_talent(Session(conn), agent, theirs)
    with pytest.raises(TalentNotFound) as missing:
        service.serve_for(agent, 987654)
    assert "not found, or you may not see it" in str(other.value) and "not found, or you may not see it" in str(
        missing.value)
    assert service.serve_for(agent, mine).intel.talent_id == mine


def test_managers_see_every_talent_and_compare_but_do_not_administer(live, engine):
    make_talent(engine, name="A")
    make_talent(engine, name="B")
    manager = account("manager")
    assert len(service.roster(manager)) == 2
    assert can(manager, "compare") and not can(manager, "users") and not can(manager, "import")


def test_an_agent_cannot_compare(live, engine):
    a, b = make_talent(engine), make_talent(engine)
    agent = account("agent")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [a, b])
    with pytest.raises(PermissionDenied):
        service.compare_talents(agent, [a, b])


def test_refresh_is_audited_with_the_signed_in_actor(live, engine):
    talent = make_talent(engine)
    admin = account("admin")
    assert service.refresh_for(admin, talent).status == "refreshed"
    with engine.connect() as conn:
        actor = conn.execute(select(AdminActivity.actor).where(AdminActivity.action == "refresh")).scalar_one()
    assert actor == "admin@agency.test"


@pytest.mark.slow
def test_user_changes_are_audited(live, engine):
    account("admin")
    account("agent")
    accounts.set_role(SYSTEM, "agent@agency.test", "manager")
    accounts.reset_password(SYSTEM, "agent@agency.test", "reset passphrase 123")
    assert {"user_created", "user_role_changed", "password_reset"} <= set(actions(engine))


def test_the_demo_viewer_reads_and_refreshes_but_never_administers():
    viewer = Identity(None, "demo-viewer", "Demo viewer", "demo")
    assert can(viewer, "view") and can(viewer, "compare") and can(viewer, "refresh")
    assert not any(can(viewer, c) for c in ("users", "import", "ops"))
