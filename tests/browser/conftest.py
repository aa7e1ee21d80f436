"""Real-browser harness: a real `streamlit run app.py` server driven by headless Debian Chromium.

Fixtures
    browser            session  Playwright Chromium (/usr/bin/chromium); skips locally, fails with CI=true.
    page               function fresh context + page; a failing test leaves screenshots/<module>__<test>.png.
    seeded_sqlite_url  session  migrated SQLite file with a 3-talent roster (SEEDED_TALENTS).
    app_server         session  base URL of a StreamlitServer on that database, embedded cache.
    pg_demo_database   session  a dedicated PostgreSQL database holding the demo roster (seed 7), dropped after.
    pg_demo_server     session  StreamlitServer (demo mode) on that database, real Redis, unique key prefix.

Helpers for tests: `StreamlitServer` (start another server with other settings), `open_app`,
`wait_for_app`, `wait_for_charts`, `toast`, `full_page_screenshot`, `dataframe_column`,
`dataframe_rows`, `dataframe_header`, `dataframe_row_count`, `click_row_checkbox`,
`assert_no_exception`, `screenshot_path`; `SEEDED_TALENTS` lists the seeded names; `DemoDatabase`
is what `pg_demo_database` gives. "Drawn" charts are judged by bench/browser.py's CHART_DRAWN_JS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.browser import CHART_DRAWN_JS
from bench.browser import stop as stop_process
from intel.db.engine import make_engine, transaction
from intel.db.migrate import upgrade
from intel.db.models import FollowerSnapshot, SocialProfile, Talent
from tests.services import CHROMIUM, POSTGRES_ADMIN_URL, chromium_available, free_port, port_open, require

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "screenshots"  # git-ignored; the README embeds a committed copy elsewhere

# Debian's Chromium: Playwright's own browser download does not work on our machines or in CI.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 900}
DEFAULT_TIMEOUT_MS = 20_000  # per Playwright wait; the first page load takes ~3 s locally (imports)

# The roster `seeded_sqlite_url` holds, in the order the roster page lists it (by name).
SEEDED_TALENTS: tuple[str, ...] = ("Ada Lovelace", "Grace Hopper", "Katherine Johnson")
SEED_DAY = date(2025, 11, 24)  # last snapshot day; fixed so screenshots do not change from day to day

_PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


# --------------------------------------------------------------------------------------------------
# Browser and page
# --------------------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so the `page` fixture knows at teardown if the test failed."""
    report = yield
    item.stash.setdefault(_PHASE_REPORTS, {})[report.when] = report
    return report


def _chromium_executable() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium") or CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium for the whole session (skips without it, fails when CI=true)."""
    require(chromium_available(), "Chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=_chromium_executable(), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh browser context (no shared cookies or storage); closed after the test.

    When the test (or its setup) failed, a screenshot of the whole app is saved to
    `screenshots/<module>__<test>.png` before the context closes.
    """
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        reports = request.node.stash.get(_PHASE_REPORTS, {})
        if any(r.failed for r in reports.values()):
            _failure_screenshot(new_page, request.node)
        context.close()


def _failure_screenshot(page: Page, item: pytest.Item) -> None:
    name = re.sub(r"[^\w.-]+", "_", f"{item.path.stem}__{item.name}").strip("_")
    target = screenshot_path(f"{name}.png")
    try:
        if page.get_by_test_id("stMain").count() == 1:
            full_page_screenshot(page, target.name)  # the whole app, not just the viewport
        else:
            page.screenshot(path=str(target), full_page=True)
    except Exception as exc:  # the page may be gone; never hide the real failure behind this one
        sys.stderr.write(f"could not save failure screenshot {target}: {exc}\n")
    else:
        sys.stderr.write(f"failure screenshot: {target}\n")


def screenshot_path(name: str) -> Path:
    """`screenshots/<name>` under the repository root, with the folder created."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / name


# --------------------------------------------------------------------------------------------------
# Streamlit server
# --------------------------------------------------------------------------------------------------


class StreamlitServer:
    """A real `streamlit run server.py` subprocess (the deployed entry point) on a free port, as a context manager.

    `env` overrides are applied on top of `os.environ`; a value of None removes the variable (e.g.
    `{"REDIS_URL": None}` for the embedded cache). Output goes to `log_path` (a file, never a pipe
    that could fill up and block the server). `start()` waits until `/_stcore/health` answers `ok`
    and raises RuntimeError with the tail of the log when the server dies or does not answer in
    `startup_timeout` seconds.

        with StreamlitServer(tmp_path / "server.log", env={"INTEL_DEMO": "1"}) as server:
            page.goto(server.url)
    """

    def __init__(
        self,
        log_path: Path,
        env: Mapping[str, str | None] | None = None,
        *,
        app: str = "server.py",
        port: int | None = None,
        startup_timeout: float = 60.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.log_path = log_path
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.env = _merged_env(env or {})
        self.command = [
            sys.executable, "-m", "streamlit", "run", app,
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            *extra_args,
        ]  # fmt: skip
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL of the app, e.g. `http://127.0.0.1:54321`."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Start the server and wait until it is healthy."""
        if self._process is not None:
            raise RuntimeError("this StreamlitServer is already started")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        health = f"{self.url}/_stcore/health"
        while True:
            code = self._process.poll()
            if code is not None:
                raise RuntimeError(f"streamlit exited with code {code} while starting:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit did not answer {health} within {self.startup_timeout:g} s:\n{self.log_tail()}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server: terminate, wait, kill if it does not exit. Safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            stop_process(process)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        """The last `lines` lines of the server's output (stdout and stderr)."""
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no server output)"
        return "\n".join(text.splitlines()[-lines:]) or "(no server output)"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _merged_env(overrides: Mapping[str, str | None]) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"  # so the log file is current when a startup failure is reported
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


# --------------------------------------------------------------------------------------------------
# Data and the app under test
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seeded_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite database holding the small roster of SEEDED_TALENTS (written with the ORM).

    Ada Lovelace: instagram + tiktok, Grace Hopper: youtube, Katherine Johnson: instagram plus a
    disconnected tiktok; three daily follower snapshots per profile ending on SEED_DAY.
    Independent of `intel.demo` on purpose.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'roster.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with transaction(engine) as session:
            _seed_roster(session)
        _compute_all(url)
    finally:
        engine.dispose()
    return url


def _compute_all(url: str, env: Mapping[str, str] | None = None) -> None:
    """Compute every talent once, as the worker or `cache warm` would, so the roster has its figures.

    `env` adds settings (e.g. REDIS_URL and INTEL_CACHE_PREFIX, so a server sharing them starts warm).
    """
    from intel.config import get_settings
    from intel.runtime import build_runtime, close

    rt = build_runtime(get_settings({"DATABASE_URL": url, **(env or {})}))
    with rt.sessions() as session:
        ids = [t for (t,) in session.execute(select(Talent.id))]
    for talent_id in ids:
        rt.provider.get(talent_id, bypass_cache=True)
    close(rt)


def _seed_roster(session: Session) -> None:
    # (name, handle, category, tier, [(platform, account_id, connected, latest followers)])
    roster = [
        ("Ada Lovelace", "@ada", "tech", "macro", [
            ("instagram", "ig-ada", True, 120_000),
            ("tiktok", "tt-ada", True, 45_500),
        ]),
        ("Grace Hopper", "@grace", "science", "mega", [
            ("youtube", "yt-grace", True, 1_250_000),
        ]),
        ("Katherine Johnson", "@katherine", "education", "micro", [
            ("instagram", "ig-katherine", True, 18_200),
            ("tiktok", "tt-katherine", False, 900),
        ]),
    ]  # fmt: skip
    for name, handle, category, tier, profiles in roster:
        talent = Talent(name=name, primary_handle=handle, category=category, tier=tier)
        session.add(talent)
        for platform, account_id, connected, latest in profiles:
            synced = datetime.combine(SEED_DAY, dt_time(6, 0), tzinfo=UTC)
            profile = SocialProfile(
                talent=talent,
                platform=platform,
                handle=handle.lstrip("@"),
                account_id=account_id,
                connected=connected,
                last_synced_at=synced,
            )
            session.add(profile)
            session.flush()  # FollowerSnapshot has no relationship to SocialProfile: it needs the id
            for days_ago in (2, 1, 0):
                day = SEED_DAY - timedelta(days=days_ago)
                session.add(
                    FollowerSnapshot(
                        profile_id=profile.id,
                        captured_on=day,
                        captured_at=datetime.combine(day, dt_time(6, 0), tzinfo=UTC),
                        followers=latest - days_ago * 150,
                        following=200,
                        posts_count=300 - days_ago,
                    )
                )


@pytest.fixture(scope="session")
def app_server(seeded_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of one Streamlit server for the session: seeded SQLite database, embedded cache."""
    log_path = tmp_path_factory.mktemp("streamlit") / "app_server.log"
    env: dict[str, str | None] = {
        # Demo mode: the read-only demo viewer needs no sign-in (sign-in has its own browser test).
        "INTEL_DEMO": "1",
        "INTEL_DEMO_DATABASE_URL": seeded_sqlite_url,
        "REDIS_URL": None,  # embedded in-process store
    }
    with StreamlitServer(log_path, env=env) as server:
        yield server.url


@dataclass(frozen=True)
class DemoDatabase:
    """A PostgreSQL database holding the demo roster: its URL and the demo talents' ids by name."""

    url: str
    talent_ids: dict[str, int]

    def engine(self) -> Engine:
        """A new engine on the database (dispose it after use)."""
        return make_engine(self.url)


@pytest.fixture(scope="session")
def pg_demo_database() -> Iterator[DemoDatabase]:
    """A dedicated, migrated PostgreSQL database with `intel.demo.load_demo(seed=7)`; dropped at teardown.

    Dedicated rather than `postgres_url`, whose tables other tests truncate. Browser tests that add
    rows must remove them again (the roster test counts the 14 demo talents).
    """
    from intel.demo.generate import load_demo

    admin_url = make_url(POSTGRES_ADMIN_URL)
    require(port_open(admin_url.host or "127.0.0.1", admin_url.port or 5432), "PostgreSQL")
    name = f"intel_browser_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        try:
            upgrade(engine)
            load_demo(engine, seed=7)
            with engine.connect() as conn:
                ids = {n: i for i, n in conn.execute(select(Talent.id, Talent.name).where(Talent.is_demo))}
        finally:
            engine.dispose()
        yield DemoDatabase(url, ids)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_demo_server(
    pg_demo_database: DemoDatabase, redis_url: str, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    """A StreamlitServer on the demo PostgreSQL database and the real Redis, under a unique key prefix.

    It runs in demo mode (INTEL_DEMO=1, the database as INTEL_DEMO_DATABASE_URL; DATABASE_URL is set
    to the same one): the read-only demo viewer needs no sign-in and may refresh and compare.

    Every demo talent is computed once beforehand (into that Redis, under that prefix), as `cache warm`
    would, so the roster shows its figures and talent pages start from the shared cache. The prefix's
    keys are deleted at teardown.

    Before it is handed out, one browser visit opens the app's root, so that the first test to run does
    not pay for the server's first script run (imports of pandas, plotly and the intel package).
    """
    import redis

    prefix = f"test:browser:{uuid.uuid4().hex[:8]}:"
    settings: dict[str, str] = {
        # Demo mode: the demo viewer needs no sign-in (sign-in has its own browser test).
        "INTEL_DEMO": "1",
        "INTEL_DEMO_DATABASE_URL": pg_demo_database.url,
        "DATABASE_URL": pg_demo_database.url,
        "REDIS_URL": redis_url,
        "INTEL_CACHE_PREFIX": prefix,  # demo mode appends "demo:"
        "INTEL_REFRESH_INTERVAL": "3600",
    }
    env: dict[str, str | None] = {**settings, "INTEL_REFRESH_ROLE_INTERVALS": None}
    try:
        _compute_all(pg_demo_database.url, settings)  # the same settings, so the same cache keys
        log_path = tmp_path_factory.mktemp("streamlit") / "pg_demo_server.log"
        with StreamlitServer(log_path, env=env) as server:
            _visit_root(browser, server.url)
            yield server
    finally:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def _visit_root(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)  # the very first run imports pandas, plotly, the intel package
        open_app(page, base_url)
        expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Roster")).to_be_visible()
    finally:
        context.close()


# --------------------------------------------------------------------------------------------------
# Page helpers
# --------------------------------------------------------------------------------------------------


def wait_for_app(page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until the app is idle: connected, the script run finished, the main block rendered.

    Uses the attributes Streamlit puts on the `stApp` root (`data-test-connection-state`,
    `data-test-script-state`, which is `initial` before the first run, then `running`/`notRunning`)
    and checks the status widget no longer shows its running indicator. After an interaction
    (click, typing) the rerun may not have started yet when this is called: wait for something the
    rerun produces instead, or for `stApp` to leave `notRunning` first.
    """
    idle = page.locator(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
    )
    expect(idle).to_be_attached(timeout=timeout_ms)
    expect(page.get_by_test_id("stMainBlockContainer")).to_be_visible(timeout=timeout_ms)
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=timeout_ms)


def open_app(page: Page, base_url: str, path: str = "") -> None:
    """Go to `base_url/path` (e.g. `talent?talent=3`) and wait until the app is idle.

    The default page (Roster) lives at the root: `/roster` is not a page URL, and Streamlit answers
    it with a "Page not found" dialog that, in headless Chromium, stays invisible yet covers the page
    and swallows every click.
    """
    page.goto(f"{base_url.rstrip('/')}/{path.lstrip('/')}")
    wait_for_app(page)


def assert_no_exception(page: Page) -> None:
    """Fail when the app shows an uncaught-exception box (`stException`)."""
    expect(page.get_by_test_id("stException")).to_have_count(0)


def full_page_screenshot(page: Page, name: str) -> Path:
    """A screenshot of the whole app at `screenshots/<name>`; returns its path.

    The app scrolls inside `stMain`, not the document, so `full_page=True` alone captures only the
    viewport: the viewport is made as tall as the content for the shot, then restored.
    """
    target = screenshot_path(name)
    viewport = page.viewport_size or VIEWPORT
    height = int(page.get_by_test_id("stMain").evaluate("(main) => main.scrollHeight"))
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    try:
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(target), full_page=True)
    finally:
        page.set_viewport_size(viewport)
    return target


def wait_for_charts(page: Page, minimum: int, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> Locator:
    """Wait until at least `minimum` `stPlotlyChart`s hold a drawn figure; assert every chart is drawn.

    Plotly is loaded lazily by the frontend, so charts appear a moment after the script run ends.
    "Drawn" is bench.browser.CHART_DRAWN_JS: plotted, an `svg.main-svg` of real size, and drawn marks.
    Returns the locator of all charts.
    """
    page.wait_for_function(
        f"""(n) => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                    .filter({CHART_DRAWN_JS}).length >= n""",
        arg=minimum,
        timeout=timeout_ms,
    )
    charts = page.get_by_test_id("stPlotlyChart")
    drawn = charts.evaluate_all(f"(els) => els.map({CHART_DRAWN_JS})")
    assert len(drawn) >= minimum and all(drawn), f"charts drawn: {drawn}"
    return charts


def toast(page: Page, text: str | re.Pattern[str]) -> Locator:
    """The toast(s) (`stToast`) showing `text`; toasts stack, so always filter."""
    return page.get_by_test_id("stToast").filter(has_text=text)


# How to read an `st.dataframe` in a real browser. The grid (glide-data-grid) paints cells on a
# <canvas>, so names are not in the page's visible DOM text and `get_by_text` finds nothing. As
# fallback content of that canvas (`data-testid="data-grid-canvas"`) the grid also renders a
# `<table role="grid">` for assistive technology: `<th role="columnheader" aria-colindex=N>` per
# column and `<tr role="row">` of `<td role="gridcell" aria-colindex=N
# data-testid="glide-cell-<col>-<row>">` per row, holding each cell's text (the copy value: a raw
# number like "1250000", not a locale-formatted one). Canvas children are never rendered, so read
# them with text_content / to_have_text (never to_be_visible / inner_text). The table appears
# about 200 ms after the canvas (debounced) and is virtualised like the canvas: only rows and
# columns in view are present, which is all of them for small tables; scroll the grid for long ones.
# The toolbar's "Download as CSV" would also work but goes through a blob download: slower, more moving parts.
_GRID = "canvas[data-testid=data-grid-canvas] > table[role=grid]"


def dataframe_header(dataframe: Locator) -> list[str]:
    """Column titles of an `st.dataframe` (its `stDataFrame` element), from its accessibility table."""
    headers = dataframe.locator(f"{_GRID} thead th[role=columnheader]")
    expect(headers.first).to_be_attached()
    return [t.strip() for t in headers.all_text_contents()]


def dataframe_column(dataframe: Locator, title: str) -> Locator:
    """The cells (`td[role=gridcell]`) of the column titled `title`, for `expect(...).to_have_text([...])`."""
    header = dataframe.locator(f"{_GRID} thead th[role=columnheader]").filter(
        has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")
    )
    expect(header).to_have_count(1)
    colindex = header.get_attribute("aria-colindex")
    return dataframe.locator(f'{_GRID} tbody td[role=gridcell][aria-colindex="{colindex}"]')


def dataframe_rows(dataframe: Locator) -> list[list[str]]:
    """Cell text of the rows an `st.dataframe` renders (in view), one list per row, in column order."""
    rows = dataframe.locator(f"{_GRID} tbody tr[role=row]")
    expect(rows.first).to_be_attached()
    return [[t.strip() for t in row.locator("td[role=gridcell]").all_text_contents()] for row in rows.all()]


def dataframe_row_count(dataframe: Locator) -> int:
    """How many data rows an `st.dataframe` holds, in view or not (`aria-rowcount` counts the header too)."""
    grid = dataframe.locator(_GRID)
    expect(grid).to_be_attached()
    return int(grid.get_attribute("aria-rowcount") or 0) - 1


# Streamlit's grid geometry: a 35 px header, 35 px rows, and with `on_select` a first column of row
# selection checkboxes about 35 px wide (painted on the canvas, so only a mouse click at the right
# spot reaches them).
_GRID_HEADER_PX, _GRID_ROW_PX, _GRID_MARKER_X_PX = 35, 35, 18


def click_row_checkbox(dataframe: Locator, row: int) -> None:
    """Click the selection checkbox of data row `row` (0-based, in view) of an `st.dataframe`."""
    canvas = dataframe.get_by_test_id("data-grid-canvas")
    expect(canvas).to_be_visible()
    expect(dataframe.locator(_GRID)).to_be_attached()  # the grid has laid out its rows
    box = canvas.bounding_box()
    assert box is not None
    y = _GRID_HEADER_PX + row * _GRID_ROW_PX + _GRID_ROW_PX // 2
    assert y < box["height"], f"row {row} is not in view"
    canvas.page.mouse.click(box["x"] + _GRID_MARKER_X_PX, box["y"] + y)


AGENT_EMAIL, AGENT_PASSWORD = "agent@agency.test", "correct horse battery staple"


def agent_database(folder: Path, talent_name: str) -> tuple[str, int]:
    """(url, talent id) of a fresh migrated SQLite database in `folder` with one agent (AGENT_EMAIL,
    AGENT_PASSWORD) who owns one talent (tests.factories.make_talent: six posts over the last six days)."""
    from intel import runtime
    from intel.accounts.auth import SYSTEM
    from intel.config import get_settings
    from intel.service import accounts
    from tests.factories import make_talent

    url = f"sqlite:///{folder / 'app.db'}"
    engine = make_engine(url)
    upgrade(engine)
    runtime.configure(get_settings({"DATABASE_URL": url}))
    try:
        talent = make_talent(engine, name=talent_name)
        accounts.create_user(SYSTEM, AGENT_EMAIL, "Agent Smith", "agent", AGENT_PASSWORD)
        accounts.assign_talents(SYSTEM, AGENT_EMAIL, [talent])
    finally:
        runtime.configure(get_settings({}))
        engine.dispose()
    return url, talent


def sign_in(page: Page, email: str = AGENT_EMAIL, password: str = AGENT_PASSWORD) -> None:
    """Fill and send the sign-in form the app redirected to."""
    page.wait_for_url(re.compile(r"/auth/login\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
