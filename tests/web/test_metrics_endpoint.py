"""`GET /metrics` on a real `streamlit run server.py`: refused without the right bearer token, absent without
INTEL_METRICS_TOKEN, and its counters move when a page loads in Chromium, the cache hits and a refresh runs —
all read through PROMETHEUS_MULTIPROC_DIR, as on a host with several processes."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families

from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.service import accounts
from tests.browser.conftest import CHROMIUM_ARGS, StreamlitServer, _chromium_executable
from tests.factories import make_talent
from tests.services import chromium_available, require

pytestmark = pytest.mark.slow  # real servers and a browser: seconds each

PASSWORD = "correct horse battery staple"
TOKEN = "metrics-token-for-the-tests-0123456789"
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                     "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


@dataclass(frozen=True)
class Site:
    """A running server, the admin's API token and session, and a talent."""

    url: str
    api_token: str
    session: str
    talent: int

    def get(self, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict, str]:
        """(status, headers, body) of one request, redirects not followed."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request(method, path, body=b"" if method == "POST" else None, headers=headers or {})
        response = conn.getresponse()
        reply = response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
        conn.close()
        return reply

    def scrape(self) -> dict[str, float]:
        """The scraped samples by `name{labels}` (labels sorted), as Prometheus would read them."""
        status, _headers, body = self.get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200, body
        return {_key(s.name, s.labels): s.value for family in text_string_to_metric_families(body)
                for s in family.samples}


def _key(name: str, labels: dict[str, str]) -> str:
    return name + "{" + ",".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}"


def _database(folder: Path) -> tuple[str, str, str, int]:
    url = f"sqlite:///{folder / 'metrics.db'}"
    engine = make_engine(url)
    upgrade(engine)
    talent = make_talent(engine, name="Metrics Talent")
    engine.dispose()
    rt = runtime.build_runtime(get_settings({"DATABASE_URL": url}))
    with runtime.use(rt):
        accounts.create_user(SYSTEM, "admin@agency.test", "Admin", "admin", PASSWORD)
        api_token = accounts.issue_api_token(SYSTEM, "admin@agency.test", "metrics test")
        session = accounts.start_session(accounts.authenticate("admin@agency.test", PASSWORD, client="test"))
    runtime.close(rt)
    return url, api_token, session, talent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """server.py with INTEL_METRICS_TOKEN and a PROMETHEUS_MULTIPROC_DIR, on SQLite with the embedded cache."""
    folder = tmp_path_factory.mktemp("metrics")
    url, api_token, session, talent = _database(folder)
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_METRICS_TOKEN": TOKEN,
           "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus")}
    with StreamlitServer(folder / "server.log", env=env, app="server.py") as server:
        yield Site(server.url, api_token, session, talent)


def test_metrics_without_or_with_a_wrong_token_are_refused(site):
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}):
        status, reply_headers, body = site.get("/metrics", headers)
        assert status == 401, headers
        assert reply_headers["www-authenticate"].startswith("Bearer")
        assert "intel_" not in body


def test_a_browser_asking_for_metrics_is_not_sent_to_sign_in(site):
    status, headers, _body = site.get("/metrics", {"Accept": "text/html"})
    assert status == 401 and "location" not in headers


def test_the_right_token_gets_the_text_format_with_every_family(site):
    status, headers, body = site.get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    assert headers["content-type"].startswith("text/plain; version=0.0.4")
    assert headers["cache-control"] == "no-store"
    names = {family.name for family in text_string_to_metric_families(body)}
    assert {"intel_cache_hits", "intel_cache_misses", "intel_cache_errors", "intel_cache_stale_served",
            "intel_compute_seconds", "intel_refresh", "intel_page_runs_in_progress"} <= names


def test_a_prometheus_scraper_gets_openmetrics(site):
    status, headers, body = site.get("/metrics", {"Authorization": f"Bearer {TOKEN}", "Accept": PROMETHEUS_ACCEPT})
    assert status == 200
    assert headers["content-type"].startswith("application/openmetrics-text")
    assert body.rstrip().endswith("# EOF")


def test_a_cache_miss_then_hit_and_a_refresh_move_their_counters(site):
    before = site.scrape()
    auth = {"Authorization": f"Bearer {site.api_token}"}
    path = f"/api/admin/talent/{site.talent}/social-intelligence"
    assert [site.get(path, auth)[0] for _ in range(2)] == [200, 200]
    assert site.get(path + "/refresh", auth, method="POST")[0] == 200
    after = site.scrape()

    def moved(key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved("intel_cache_misses_total{}") == 1
    assert moved("intel_cache_hits_total{}") == 1
    assert moved("intel_refresh_total{outcome=refreshed}") == 1
    assert moved("intel_compute_seconds_count{}") == 2  # the miss and the refresh computed


def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_a_page_load_in_chromium_counts_one_roster_run(site):
    require(chromium_available(), "Chromium")
    key = "intel_page_run_seconds_count{outcome=ok,page=roster}"
    before = site.scrape().get(key, 0.0)
    # In its own thread: sync Playwright refuses to start in a thread where another one is open (the browser
    # tests' session-wide Chromium, when they ran first).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_open_roster, site).result(timeout=120)
    assert wait_for(lambda: site.scrape().get(key, 0.0) >= before + 1)
    assert site.scrape().get("intel_page_runs_in_progress{}") == 0


def _open_roster(site: Site) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_executable(), headless=True,
                                             args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context()
            context.add_cookies([{"name": "intel_session", "value": site.session, "url": site.url}])
            page = context.new_page()
            page.goto(site.url)
            page.get_by_text("Metrics Talent").first.wait_for(state="attached", timeout=30_000)  # a data-grid cell
        finally:
            browser.close()


def test_without_a_token_setting_metrics_does_not_exist(tmp_path):
    url, *_rest = _database(tmp_path)
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_METRICS_TOKEN": None}
    with StreamlitServer(tmp_path / "server.log", env=env, app="server.py") as server:
        plain = Site(server.url, "", "", 0)
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": "Bearer "}):
            status, _headers, body = plain.get("/metrics", headers)
            assert status == 404 and "intel_" not in body
