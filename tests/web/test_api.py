"""The JSON API served next to Streamlit (`streamlit run server.py`), on PostgreSQL and real Redis."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis
from sqlalchemy import select, text

from intel import runtime
from intel.analytics.result import SCHEMA_VERSION
from intel.config import get_settings
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.db.models import AdminActivity
from tests.browser.conftest import StreamlitServer
from tests.factories import make_talent
from tests.services import POSTGRES_ADMIN_URL

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Api:
    """A running server and what the tests need to call it."""

    url: str
    db_url: str
    tokens: dict[str, str]
    talents: dict[str, int]


@pytest.fixture(scope="module")
def api(tmp_path_factory, redis_url):
    """server.py on a fresh PostgreSQL database with three accounts (agent, manager, admin) and tokens."""
    from sqlalchemy.engine import make_url

    from intel.accounts import auth, users
    from tests.services import port_open

    pg = make_url(POSTGRES_ADMIN_URL)
    if not port_open(pg.host or "127.0.0.1", pg.port or 5432):
        from tests.services import require

        require(False, "PostgreSQL")
    name = f"intel_api_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = pg.set(database=name).render_as_string(hide_password=False)
    prefix = f"test:{uuid.uuid4().hex[:8]}:"
    engine = make_engine(db_url)
    upgrade(engine)
    previous = runtime.get_runtime().settings if runtime._current else None
    runtime.configure(get_settings({"DATABASE_URL": db_url, "REDIS_URL": redis_url}).replace(cache_prefix=prefix))
    talents = {"mine": make_talent(engine, name="Mine"), "theirs": make_talent(engine, name="Theirs")}
    tokens = {}
    for role in ("agent", "manager", "admin"):
        auth.create_user(f"{role}@agency.test", role.title(), role, PASSWORD, actor="test")
        tokens[role] = auth.issue_api_token(f"{role}@agency.test", "test", actor="test")
    users.assign_talents("agent@agency.test", [talents["mine"]], actor="test")
    runtime.configure(previous or get_settings({}))
    env = {"DATABASE_URL": db_url, "REDIS_URL": redis_url, "INTEL_CACHE_PREFIX": prefix, "INTEL_DEMO": "0"}
    with StreamlitServer(tmp_path_factory.mktemp("api") / "server.log", env=env, app="server.py") as server:
        yield Api(server.url, db_url, tokens, talents)
    engine.dispose()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def call(api: Api, method: str, path: str, token: str | None = None, cookie: str | None = None):
    """(status, headers, JSON body) of one request."""
    request = urllib.request.Request(api.url + path, method=method, data=b"" if method == "POST" else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if cookie:
        request.add_header("Cookie", f"intel_session={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def intel_path(talent: int, refresh: bool = False) -> str:
    return f"/api/admin/talent/{talent}/social-intelligence" + ("/refresh" if refresh else "")


def test_no_or_bad_credentials_get_401(api):
    for token in (None, "ti_not-a-real-token"):
        status, headers, body = call(api, "GET", intel_path(api.talents["mine"]), token)
        assert status == 401 and body["success"] is False and headers.get("www-authenticate") == "Bearer"
    assert call(api, "POST", intel_path(api.talents["mine"], refresh=True))[0] == 401


def test_a_manager_reads_any_talent_as_json(api):
    status, _, body = call(api, "GET", intel_path(api.talents["theirs"]), api.tokens["manager"])
    assert status == 200 and body["success"] is True
    assert body["data"]["talent_id"] == api.talents["theirs"] and body["data"]["schema_version"] == SCHEMA_VERSION
    assert body["data"]["cache"]["source"] in {"cache", "computed"}


def test_an_agent_gets_403_for_another_agents_talent_and_404_for_an_unknown_one(api):
    assert call(api, "GET", intel_path(api.talents["mine"]), api.tokens["agent"])[0] == 200
    status, _, body = call(api, "GET", intel_path(api.talents["theirs"]), api.tokens["agent"])
    assert status == 403 and body == {"success": False, "message": "You may not access this talent.", "data": None}
    status, _, body = call(api, "GET", intel_path(999_999), api.tokens["agent"])
    assert status == 404 and "No talent with id 999999" in body["message"]


def test_the_session_cookie_authenticates_too(api):
    from intel.accounts import auth

    runtime.configure(get_settings({"DATABASE_URL": api.db_url}))
    try:
        token = auth.start_session(auth.authenticate("manager@agency.test", PASSWORD, client="test"))
    finally:
        runtime.configure(get_settings({}))
    assert call(api, "GET", intel_path(api.talents["mine"]), cookie=token)[0] == 200


def test_fifty_concurrent_refreshes_give_one_200_and_49_429_with_retry_after(api):
    talent = api.talents["theirs"]
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda _: call(api, "POST", intel_path(talent, refresh=True), api.tokens["admin"]),
                                range(50)))
    statuses = sorted(r[0] for r in results)
    assert statuses == [200] + [429] * 49
    limited = next(r for r in results if r[0] == 429)
    assert 3500 <= int(limited[1]["retry-after"]) <= 3600
    assert limited[2]["message"].startswith("Analytics refresh limited to once per hour")
    ok = next(r for r in results if r[0] == 200)
    assert ok[2]["message"] == "Analytics refreshed and recalculated" and ok[2]["data"]["talent_id"] == talent
    engine = make_engine(api.db_url)
    with engine.connect() as conn:
        actors = conn.execute(select(AdminActivity.actor).where(AdminActivity.action == "refresh",
                                                                AdminActivity.target == f"talent:{talent}")).all()
    engine.dispose()
    assert len(actors) == 50 and {a for (a,) in actors} == {"admin@agency.test"}


def test_a_revoked_token_gets_401(api):
    from intel.accounts import auth

    runtime.configure(get_settings({"DATABASE_URL": api.db_url}))
    try:
        token = auth.issue_api_token("manager@agency.test", "short-lived", actor="test")
        assert call(api, "GET", intel_path(api.talents["mine"]), token)[0] == 200
        auth.revoke_api_tokens("manager@agency.test", actor="test")
    finally:
        runtime.configure(get_settings({}))
    assert call(api, "GET", intel_path(api.talents["mine"]), token)[0] == 401


def test_errors_never_carry_a_traceback(api):
    for path in (intel_path(999_999), intel_path(api.talents["theirs"])):
        _, _, body = call(api, "GET", path, api.tokens["agent"])
        assert "Traceback" not in json.dumps(body)
