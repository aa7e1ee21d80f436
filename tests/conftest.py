"""Shared fixtures: one engine fixture parametrized over SQLite and real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from tests.factories import empty_tables
from tests.services import POSTGRES_ADMIN_URL, port_open, require

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _production_argon2() -> tuple[Any, str]:
    from intel.accounts import auth

    return auth._hasher, auth._DUMMY_HASH


PRODUCTION_HASHER, PRODUCTION_DUMMY_HASH = _production_argon2()  # as imported, before any test replaced them


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id at its lowest cost in this process: the tests are about sessions, lockout and access, not
    hashing strength (tests/accounts/test_auth checks the production parameters once). Servers the tests start
    in subprocesses keep the production cost."""
    from argon2 import PasswordHasher

    from intel.accounts import auth

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", cheap)
    monkeypatch.setattr(auth, "_DUMMY_HASH", cheap.hash("no such user"))


def _postgres_reachable() -> bool:
    url = make_url(POSTGRES_ADMIN_URL)
    return port_open(url.host or "127.0.0.1", url.port or 5432)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head, dropped afterwards."""
    require(_postgres_reachable(), "PostgreSQL")
    name = f"intel_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for this test session."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'intel.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated database: each data-layer test runs once on SQLite, once on PostgreSQL."""
    fixture = {"sqlite": "sqlite_url", "postgresql": "postgres_url"}[request.param]
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def session_engine(database_url: str) -> Iterator[Engine]:
    """One engine per database for the whole session."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(session_engine: Engine) -> Iterator[Engine]:
    """An engine whose tables are emptied after the test, for tests that commit for real."""
    yield session_engine
    empty_tables(session_engine)


@pytest.fixture
def session(session_engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back: each test is isolated."""
    with session_engine.connect() as conn:
        outer = conn.begin()
        db = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield db
        finally:
            db.close()
            outer.rollback()


_truncate = empty_tables  # older name, still imported by some tests


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis the suite uses (skip locally, fail under CI=true when it is missing)."""
    from tests.services import REDIS_TEST_URL

    parsed = urlparse(REDIS_TEST_URL)
    require(port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379), "Redis")
    return REDIS_TEST_URL


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A unique key namespace for one test; its keys are deleted afterwards."""
    import redis

    prefix = f"test:{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def make_runtime():
    """Build runtimes from settings overrides (database, Redis, prefix…); all are closed afterwards."""
    from intel.config import get_settings
    from intel.runtime import build_runtime, close

    built = []

    def factory(database_url: str, redis_url: str | None = None, **overrides: object):
        env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url or ""}
        runtime = build_runtime(get_settings(env).replace(**overrides))
        built.append(runtime)
        return runtime

    yield factory
    for runtime in built:
        close(runtime)


@pytest.fixture
def installed_runtime():
    """Install a runtime as the process runtime (what intel.service uses) for one test; the previous comes back."""
    from intel import runtime as runtime_module

    previous: list = []

    def install(rt):
        previous.append(runtime_module.install(rt))
        return rt

    yield install
    if previous:
        runtime_module.install(previous[0])


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo roster, built once; AppTest tests copy it."""
    from intel.demo.generate import load_demo

    path = tmp_path_factory.mktemp("template") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    load_demo(engine, seed=7)
    engine.dispose()
    return path


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_template: Path) -> Iterator[Engine]:
    """Point the app at a private copy of the demo database (embedded cache), signed in as a manager."""
    import shutil

    from intel import runtime
    from intel.config import get_settings
    from tests.app_pages import sign_in_as

    path = tmp_path / "app.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("INTEL_DEMO", raising=False)
    runtime.configure(get_settings())
    engine = make_engine(url)
    sign_in_as(monkeypatch, "manager")
    yield engine
    engine.dispose()
    runtime.configure(get_settings({}))


@pytest.fixture(params=["redis", "embedded"])
def live(request: pytest.FixtureRequest, engine: Engine, database_url: str, make_runtime, installed_runtime):
    """The process runtime on the test database, with real Redis (unique prefix) or the embedded store."""
    if request.param == "redis":
        rt = make_runtime(database_url, request.getfixturevalue("redis_url"),
                          cache_prefix=request.getfixturevalue("key_prefix"))
    else:
        rt = make_runtime(database_url)
    return installed_runtime(rt)


@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest leaves a page script as __main__; spawned subprocesses would re-run it. Restore it."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


PEOPLE_PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(engine, database_url, make_runtime, installed_runtime, monkeypatch) -> dict[str, Any]:
    """A runtime without Redis on the test database; an admin, a manager, and two agents ("agent", "other")."""
    from argon2 import PasswordHasher

    from intel.accounts import auth
    from intel.accounts.auth import SYSTEM, Identity
    from intel.service import accounts

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    installed_runtime(make_runtime(database_url))
    found = {}
    for role, email in (("admin", "admin@agency.test"), ("manager", "manager@agency.test"),
                        ("agent", "agent@agency.test"), ("other", "other@agency.test")):
        stored = "agent" if role == "other" else role
        found[role] = Identity(accounts.create_user(SYSTEM, email, role, stored, PEOPLE_PASSWORD), email, role, stored)
    return found
