"""The browser rows' figures: the talent page and the one-chart hello page, side by side in one Chromium run.

`browser_figures` loads the demo roster into its own database next to the bench database (`<name>_browser`;
the bench database's 1,000 roster talents would fill the roster and the pickers), computes every demo
talent into Redis under the run's prefix (the talent page then starts warm, as with the worker), serves
`server.py` in demo mode and bench/hello_app.py at once, and measures (bench.browser_pages), alternating
talent and hello so that both see the same machine (the counts are COUNTS):

- fresh: `runs` fresh contexts each → first chart, all charts, bytes on the wire, the script runs;
- reload: `reloads` reloads of the last fresh page (HTTP cache warm) → all charts, the server's script runs;
- switch (talent page): `switches` picks in the "Talent" selectbox, each to the next demo talent;
- roster click (talent page): `clicks` roster rows clicked in the open app, each to its talent's charts;
- office link: `office_runs` fresh contexts each on an emulated 20 Mbit/s, 40 ms RTT link.

`parts` chooses which of these run (the calibration, servers and fresh loads always run: everything else
needs them). A part that fails leaves its message in `figures["errors"]` and the others still run.
Raises bench.browser.Unavailable without Playwright or Chromium.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from bench import browser_pages as pages
from bench import seed as env
from bench.browser import CHROMIUM, CHROMIUM_ARGS, HELLO_APP, Unavailable, chromium_path, streamlit_server
from bench.cdp import OFFICE_LINK
from intel.config import get_settings
from intel.db.models import Talent
from intel.runtime import build_runtime, close

if TYPE_CHECKING:
    from playwright.sync_api import Browser

log = logging.getLogger(__name__)

PARTS = ("fresh", "reload", "switch", "roster_click", "office_link")
# How many of each: together about 3 minutes on 2 busy cores (the issue allows 5).
COUNTS = {"runs": 5, "reloads": 8, "switches": 12, "clicks": 5, "office_runs": 2}
DEMO_SEED = 7  # the browser tests' demo roster
PRIMARY = "Maya Chen"  # the talent of the page timings: the first demo talent, three platforms
CALIBRATED = 6  # talents whose charts are read beforehand: switches and roster clicks go to these


def browser_database_url(bench_url: str) -> str:
    """The demo database of the browser rows: the bench database's name plus `_browser`."""
    parsed = make_url(bench_url)
    return parsed.set(database=f"{parsed.database}_browser").render_as_string(hide_password=False)


def browser_figures(bench_url: str, redis_url: str | None, prefix: str, *, parts: tuple[str, ...] = PARTS,
                    counts: dict[str, int] | None = None) -> dict[str, Any]:
    """Every browser figure of `parts` for the talent page and the hello page (raw, see bench.browser_report);
    `counts` overrides some of COUNTS."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise Unavailable("playwright is not installed") from exc
    executable = chromium_path()
    if executable is None:
        raise Unavailable(f"Chromium not found at {CHROMIUM}")
    started = time.perf_counter()
    db_url = browser_database_url(bench_url)
    talents = demo_roster(db_url)
    server_env = {"INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": db_url, "DATABASE_URL": db_url,
                  "REDIS_URL": redis_url or "", "INTEL_CACHE_PREFIX": f"{prefix}browser:"}
    warm_cache(server_env, list(talents.values()))
    prepared = time.perf_counter()
    with sync_playwright() as playwright, ExitStack() as stack:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
        stack.callback(chromium.close)
        talent_url = stack.enter_context(streamlit_server("server.py", server_env))
        hello_url = stack.enter_context(streamlit_server(HELLO_APP, {}))
        figures = _measure(chromium, talent_url, hello_url, talents, parts, {**COUNTS, **(counts or {})})
    figures["seconds"] = {"prepare": round(prepared - started, 1), "browser": round(time.perf_counter() - prepared, 1)}
    return figures


def demo_roster(db_url: str) -> dict[str, int]:
    """name → id of the demo roster in `db_url` (created, migrated and loaded when it holds none)."""
    from intel.demo.generate import load_demo
    from intel.demo.text import TALENTS

    engine = env.ensure_database(db_url)
    try:
        found = _demo_talents(engine)
        if len(found) != len(TALENTS):
            log.info("bench: loading the demo roster (seed %d) into %s", DEMO_SEED, make_url(db_url).database)
            load_demo(engine, seed=DEMO_SEED)
            found = _demo_talents(engine)
        return found
    finally:
        engine.dispose()


def _demo_talents(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {str(n): int(i) for i, n in conn.execute(select(Talent.id, Talent.name).where(Talent.is_demo))}


def warm_cache(server_env: dict[str, str], talent_ids: list[int]) -> None:
    """Compute every talent once into the server's cache (same settings, so the same keys), as `cache warm`."""
    runtime = build_runtime(get_settings(server_env))
    try:
        for talent_id in talent_ids:
            runtime.provider.get(talent_id)
    finally:
        close(runtime)


def _measure(chromium: Browser, talent_url: str, hello_url: str, talents: dict[str, int], parts: tuple[str, ...],
             n: dict[str, int]) -> dict[str, Any]:
    # The talents to time: the primary one and the first few by name (the roster's top rows, the picker's
    # first options); calibrating all 14 would cost a minute.
    chosen = [PRIMARY, *sorted(name for name in talents if name != PRIMARY)[:CALIBRATED - 1]]
    page_url = {name: f"{talent_url}/talent?talent={talents[name]}" for name in chosen}
    log.info("bench: calibrating the charts of %d demo talents and the hello page", len(chosen))
    shown = pages.calibrate(chromium, page_url)  # also the servers' warm-up: their first runs import plotly
    hello = pages.calibrate(chromium, {"hello": hello_url})["hello"]
    # Talents without data show no charts (or undrawable ones): not a talent page to time.
    full = max(e["count"] for e in shown.values())
    drawable = sorted(name for name, e in shown.items() if e["count"] == full)
    if PRIMARY not in drawable:
        raise RuntimeError(f"{PRIMARY} does not show {full} charts: {shown.get(PRIMARY)}")
    figures: dict[str, Any] = {"talent": PRIMARY, "talent_id": talents[PRIMARY], "charts": full,
                               "hello_charts": hello["count"], "counts": n, "parts": list(parts)}
    targets = {"talent": (page_url[PRIMARY], shown[PRIMARY]), "hello": (hello_url, hello)}
    with _tabs() as keep:
        log.info("bench: %d fresh contexts each, talent page and hello page", n["runs"])
        figures["fresh"] = {k: [] for k in targets}
        for _ in range(n["runs"]):
            for key, (url, expect) in targets.items():
                tab = keep(key, pages.new_tab(chromium, expect))
                figures["fresh"][key].append(pages.load(tab, url))
        if "reload" in parts:
            log.info("bench: %d warm reloads each", n["reloads"])
            _part(figures, "reload", lambda: {k: [pages.load(keep.last(k)) for _ in range(n["reloads"])]
                                              for k in targets})
        if "switch" in parts:
            log.info("bench: %d talent switches in the open page", n["switches"])
            _part(figures, "switch", lambda: _switches(keep.last("talent"), drawable, shown, n["switches"]))
        if "roster_click" in parts:
            log.info("bench: %d roster clicks", n["clicks"])
            _part(figures, "roster_click", lambda: _roster_clicks(keep.last("talent"), talent_url, shown, n["clicks"]))
    if "office_link" in parts:
        log.info("bench: %d fresh contexts each on an emulated office link", n["office_runs"])
        _part(figures, "office_link", lambda: _office(chromium, targets, n["office_runs"]))
    return figures


def _part(figures: dict[str, Any], name: str, measure: Callable[[], Any]) -> None:
    """figures[name] = measure(); a failure goes to figures["errors"][name] and the other parts still run."""
    try:
        figures[name] = measure()
    except Exception as exc:  # a page that misbehaves in one part must not lose the figures of the others
        log.exception("bench: browser part %s failed", name)
        figures.setdefault("errors", {})[name] = str(exc).strip().splitlines()[0] if str(exc) else repr(exc)


def _office(chromium: Browser, targets: dict[str, tuple[str, Any]], runs: int) -> dict[str, Any]:
    loads: dict[str, Any] = {"link": OFFICE_LINK, **{k: [] for k in targets}}
    for _ in range(runs):
        for key, (url, expect) in targets.items():
            tab = pages.new_tab(chromium, expect, link=OFFICE_LINK)
            try:
                loads[key].append(pages.load(tab, url))
            finally:
                tab.close()
    return loads


class _Kept:
    """Tabs by page: the newest one of each stays open (for reloads and actions), older ones are closed."""

    def __init__(self) -> None:
        self.tabs: dict[str, pages.Tab] = {}

    def __call__(self, key: str, tab: pages.Tab) -> pages.Tab:
        old = self.tabs.pop(key, None)
        if old is not None:
            old.close()
        self.tabs[key] = tab
        return tab

    def last(self, key: str) -> pages.Tab:
        return self.tabs[key]


@contextmanager
def _tabs() -> Iterator[_Kept]:
    kept = _Kept()
    try:
        yield kept
    finally:
        for tab in kept.tabs.values():
            tab.close()


def _switches(tab: pages.Tab, names: list[str], shown: dict[str, Any], n: int) -> list[dict[str, Any]]:
    order = [name for name in names if name != PRIMARY]
    samples = []
    for name in pages.cycle([PRIMARY, *order], n):
        result = pages.switch_talent(tab, name, shown[name])
        samples.append({**result, "to": name})
    return samples


def _roster_clicks(tab: pages.Tab, base_url: str, shown: dict[str, Any], n: int) -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    pages.open_roster(tab, base_url)
    rows = [(row, name) for row, name in enumerate(pages.roster_names(tab)) if name in shown
            and shown[name]["count"] == max(e["count"] for e in shown.values())]
    if not rows:
        raise RuntimeError("no roster row in view opens a talent with charts")
    for row, name in pages.cycle(rows, n, start=0) if len(rows) > 1 else rows * n:
        if samples:
            pages.open_roster(tab)  # back in the open app, as a user does: the sidebar link
        samples.append({**pages.click_roster_row(tab, row, shown[name]), "row": row, "to": name})
    return samples
