"""The JSON API served next to Streamlit (`streamlit run server.py`), on PostgreSQL and real Redis."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import select, text

from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.analytics.result import SCHEMA_VERSION
from intel.config import get_settings
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.db.models import AdminActivity
from intel.service import accounts
from tests.browser.conftest import StreamlitServer
from tests.factories import make_talent
from tests.services import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.slow  # AppTest runs or real servers: seconds each

PASSWORD = "correct horse battery staple"
JOINED = "Joined the refresh already running: analytics refreshed and recalculated"


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
    talents = {"mine": make_talent(engine, name="Mine"), "theirs": make_talent(engine, name="Theirs")}
    tokens = {}
    with on_database(db_url):
        for role in ("agent", "manager", "admin"):
            accounts.create_user(SYSTEM, f"{role}@agency.test", role.title(), role, PASSWORD)
            tokens[role] = accounts.issue_api_token(SYSTEM, f"{role}@agency.test", "test")
        accounts.assign_talents(SYSTEM, "agent@agency.test", [talents["mine"]])
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


@contextmanager
def on_database(db_url: str) -> Iterator[None]:
    """Run a block with a process runtime of its own on `db_url` (embedded cache), then restore the previous."""
    rt = runtime.build_runtime(get_settings({"DATABASE_URL": db_url}))
    try:
        with runtime.use(rt):
            yield
    finally:
        runtime.close(rt)


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
    with on_database(api.db_url):
        token = accounts.start_session(accounts.authenticate("manager@agency.test", PASSWORD, client="test"))
    assert call(api, "GET", intel_path(api.talents["mine"]), cookie=token)[0] == 200


def test_fifty_concurrent_refreshes_give_one_200_and_49_429_with_retry_after(api):
    talent = api.talents["theirs"]
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda _: call(api, "POST", intel_path(talent, refresh=True), api.tokens["admin"]),
                                range(50)))
    # One refreshes; those asked while it computes join it (200, its data); any asked after it are limited.
    assert {r[0] for r in results} <= {200, 429}
    ok = [r for r in results if r[0] == 200]
    assert [r[2]["message"] for r in ok].count("Analytics refreshed and recalculated") == 1
    assert all(r[2]["message"] == JOINED for r in ok if r[2]["message"] != "Analytics refreshed and recalculated")
    assert {r[2]["data"]["computed_at"] for r in ok} == {ok[0][2]["data"]["computed_at"]}
    assert all(r[2]["data"]["talent_id"] == talent for r in ok)
    engine = make_engine(api.db_url)
    with engine.connect() as conn:
        actors = conn.execute(select(AdminActivity.actor).where(AdminActivity.action == "refresh",
                                                                AdminActivity.target == f"talent:{talent}")).all()
    engine.dispose()
    assert len(actors) == 50 and {a for (a,) in actors} == {"admin@agency.test"}


def test_a_plain_refresh_while_limited_is_still_429_with_retry_after(api):
    talent = new_talent(api)
    assert call(api, "POST", intel_path(talent, refresh=True), api.tokens["admin"])[0] == 200
    status, headers, body = call(api, "POST", intel_path(talent, refresh=True), api.tokens["admin"])
    assert status == 429 and 3500 <= int(headers["retry-after"]) <= 3600
    assert body["message"].startswith("Analytics refresh limited to once per hour")
    assert body["data"]["retry_after_s"] == int(headers["retry-after"])


def test_when_allowed_queues_the_refresh_and_answers_202_with_when_it_runs(api):
    talent = new_talent(api)
    assert call(api, "POST", intel_path(talent, refresh=True), api.tokens["admin"])[0] == 200
    asked = datetime.now(UTC)
    status, _, body = call(api, "POST", intel_path(talent, refresh=True) + "?when=allowed", api.tokens["manager"])
    assert status == 202 and body["success"] is True, body
    assert body["message"] == "Refresh queued · runs in 60 min"
    data = body["data"]
    assert data["queued"] is True and 3500 <= data["runs_in_s"] <= 3600
    assert data["runs_at"].endswith("Z")
    runs_at = datetime.fromisoformat(data["runs_at"])
    assert abs((runs_at - (asked + timedelta(seconds=data["runs_in_s"]))).total_seconds()) < 5
    # Asked again by someone else: the same queued refresh.
    status, _, again = call(api, "POST", intel_path(talent, refresh=True) + "?when=allowed", api.tokens["admin"])
    assert status == 202 and again["data"]["runs_at"] == data["runs_at"]
    engine = make_engine(api.db_url)
    with engine.connect() as conn:
        actors = conn.execute(select(AdminActivity.actor).where(AdminActivity.action == "refresh_queued",
                                                                AdminActivity.target == f"talent:{talent}")).all()
    engine.dispose()
    assert sorted(a for (a,) in actors) == ["admin@agency.test", "manager@agency.test"]


def test_when_allowed_with_the_slot_free_refreshes_at_once(api):
    talent = new_talent(api)
    status, _, body = call(api, "POST", intel_path(talent, refresh=True) + "?when=allowed", api.tokens["admin"])
    assert status == 200 and body["message"] == "Analytics refreshed and recalculated"


def test_an_agent_cannot_queue_a_talent_not_theirs(api):
    path = intel_path(api.talents["theirs"], refresh=True) + "?when=allowed"
    status, _, body = call(api, "POST", path, api.tokens["agent"])
    assert status == 403 and body["message"] == "You may not access this talent."
    status, _, _ = call(api, "POST", intel_path(999_999, refresh=True) + "?when=allowed", api.tokens["agent"])
    assert status == 404


def test_an_unknown_when_is_a_json_400(api):
    status, _, body = call(api, "POST", intel_path(api.talents["mine"], refresh=True) + "?when=later",
                           api.tokens["admin"])
    assert status == 400 and body["success"] is False and "allowed" in body["message"]


def new_talent(api: Api) -> int:
    """A talent of its own for one test (no other test refreshed it)."""
    engine = make_engine(api.db_url)
    try:
        return make_talent(engine)
    finally:
        engine.dispose()


def test_a_revoked_token_gets_401(api):
    with on_database(api.db_url):
        token = accounts.issue_api_token(SYSTEM, "manager@agency.test", "short-lived")
        assert call(api, "GET", intel_path(api.talents["mine"]), token)[0] == 200
        accounts.revoke_api_tokens(SYSTEM, "manager@agency.test")
    assert call(api, "GET", intel_path(api.talents["mine"]), token)[0] == 401


def test_errors_never_carry_a_traceback(api):
    for path in (intel_path(999_999), intel_path(api.talents["theirs"])):
        _, _, body = call(api, "GET", path, api.tokens["agent"])
        assert "Traceback" not in json.dumps(body)


def test_with_the_database_unreachable_the_api_answers_503_in_plain_json(tmp_path):
    env = {"DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:1/none", "REDIS_URL": None, "INTEL_DEMO": "0"}
    with StreamlitServer(tmp_path / "server.log", env=env, app="server.py") as server:
        dead = Api(server.url, env["DATABASE_URL"], {}, {})
        for method, refresh in (("GET", False), ("POST", True)):
            status, _, body = call(dead, method, intel_path(1, refresh=refresh), "ti_some-token")
            assert status == 503, body
            assert body["success"] is False and "database cannot be reached" in body["message"]
            assert "Traceback" not in json.dumps(body)


MALFORMED = [f"/api/admin/talent/{raw}/social-intelligence" for raw in ("abc", "-1", "0", "1.5", "9" * 20)]


@pytest.mark.parametrize("path", [*MALFORMED, "/api/nope", "/api", "/api/admin/talent/1/social-intelligence/extra"])
def test_an_unknown_api_path_or_malformed_id_is_a_json_404_with_or_without_a_token(api, path):
    for token in (None, api.tokens["manager"]):
        status, headers, body = call(api, "GET", path, token)
        assert status == 404 and headers["content-type"] == "application/json", (path, body)
        assert body["success"] is False and body["data"] is None and body["message"]


def test_a_post_to_the_refresh_of_a_malformed_id_is_a_json_404(api):
    status, _, body = call(api, "POST", "/api/admin/talent/abc/social-intelligence/refresh", api.tokens["admin"])
    assert status == 404 and body["success"] is False


@pytest.mark.parametrize(("method", "refresh", "allow"), [("POST", False, "GET, HEAD"), ("DELETE", False, "GET, HEAD"),
                                                          ("GET", True, "POST"), ("PUT", True, "POST")])
def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(api, method, refresh, allow):
    status, headers, body = call(api, method, intel_path(api.talents["mine"], refresh=refresh), api.tokens["admin"])
    assert status == 405 and headers["allow"] == allow
    assert body["success"] is False and body["data"] is None and allow.split(",")[0] in body["message"]
