"""The browser rows' page actions: load, reload, switch talent, roster click, each timed inside the page.

Every page gets PROBE as an init script. On each animation frame it looks at the `stPlotlyChart`s and
keeps, in `window.__bench`, the time (ms since navigation start, `performance.now()`) of the first frame
showing one drawn chart (`first`) and of the first frame in which the page shows what it should (`all`):
exactly the expected number of charts, every one drawn (bench.browser.CHART_DRAWN_JS), each with the
expected figure signature. An in-page action is timed the same way: `arm(expect)` before it, the press
(the first `pointerdown` after arming) starts the clock, the first frame in which every chart is drawn and
shows the expected figure or at least another one than when armed stops it (widget state such as the
best-time platform may carry over from the previous talent, so a switched page need not equal a fresh
one). So Playwright's round trips never count, and a chart still showing the previous talent never counts.

A figure's signature is a hash of its title and traces as the page holds them (`gd.layout.title`,
`gd.data` without Plotly's `uid`s), so it changes with the data, not with the timing; `calibrate` reads
each talent's signatures once, from an idle page, before anything is timed.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.browser import CHART_DRAWN_JS, PROJECT_ROOT, VIEWPORT
from bench.cdp import NetworkLog, script_runs, wire_summary

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

log = logging.getLogger(__name__)

TIMEOUT_MS = 60_000
SCREENSHOTS = PROJECT_ROOT / "screenshots"  # as the browser tests' failure screenshots
NETWORK_IDLE_MS = 10_000
Expect = dict[str, Any]  # {"count": int, "sigs": [str, …]}: what a page shows when it is done

# FNV-1a of the figure's JSON, cached per `gd.data` array (a new figure is a new array), plus its length.
_SIGNATURE_JS = """(el) => {
    const gd = el.querySelector('.js-plotly-plot');
    if (!gd || !gd.data) return null;
    const cached = window.__benchSigs.get(gd.data);
    if (cached) return cached;
    const title = gd.layout && gd.layout.title ? (gd.layout.title.text ?? gd.layout.title) : '';
    const text = JSON.stringify([title, gd.data], (k, v) => (k === 'uid' || k.startsWith('_')) ? undefined : v);
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    const sig = (h >>> 0).toString(16) + ':' + text.length;
    window.__benchSigs.set(gd.data, sig);
    return sig;
}"""

PROBE = f"""(() => {{
    const drawn = {CHART_DRAWN_JS};
    window.__benchSigs = new WeakMap();
    const signature = {_SIGNATURE_JS};
    const charts = () => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
    // Chart i is right when it shows the expected figure or, after an action, any figure other than the one
    // it showed when armed (a widget's state, e.g. the best-time platform, may carry over from the last talent).
    const fits = (el, i, expect, before) => {{
        const sig = signature(el);
        return sig === expect.sigs[i] || (before !== null && sig !== before[i]);
    }};
    const shows = (list, expect, before) => !!expect && list.length === expect.count && list.every(drawn)
        && list.every((el, i) => fits(el, i, expect, before));
    const b = window.__bench = {{first: null, all: null, expect: window.__benchExpect || null,
                                armed: false, before: null, start: null, done: null, unchanged: null}};
    b.signatures = () => charts().map((el) => drawn(el) ? signature(el) : null);
    b.arm = (expect) => {{
        Object.assign(b, {{expect, before: b.signatures(), start: null, done: null, unchanged: null, armed: true}});
    }};
    addEventListener('pointerdown', () => {{ if (b.armed && b.start === null) b.start = performance.now(); }}, true);
    const tick = () => {{
        const now = performance.now();
        const waiting = b.armed ? b.start !== null && b.done === null : b.all === null;
        if (b.first === null || waiting) {{
            const list = charts();
            if (b.first === null && list.some(drawn)) b.first = now;
            if (waiting && shows(list, b.expect, b.armed ? b.before : null)) {{
                if (!b.armed) {{ b.all = now; }} else {{
                    b.done = now;
                    b.unchanged = list.filter((el, i) => signature(el) === b.before[i]).length;
                }}
            }}
        }}
        requestAnimationFrame(tick);
    }};
    requestAnimationFrame(tick);
}})();"""


@dataclass
class Tab:
    """One browser context with one probed, network-recorded page."""

    context: BrowserContext
    page: Page
    network: NetworkLog

    def close(self) -> None:
        """Close the context (its cookies, storage and HTTP cache go with it)."""
        self.context.close()


def new_tab(browser: Browser, expect: Expect | None, link: Mapping[str, Any] | None = None) -> Tab:
    """A fresh context (cold HTTP cache) whose page waits for `expect`, on an emulated `link` if given."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    network = NetworkLog.attach(page)
    if link is not None:
        network.emulate(link)
    page.add_init_script(f"window.__benchExpect = {json.dumps(expect)};\n{PROBE}")
    return Tab(context, page, network)


def load(tab: Tab, url: str | None = None) -> dict[str, Any]:
    """Open `url` (None: reload): ms to the first drawn chart and to the expected charts, wire bytes, runs."""
    tab.network.clear()
    if url is None:
        tab.page.reload(wait_until="commit", timeout=TIMEOUT_MS)
    else:
        tab.page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    done = _wait(tab.page, "window.__bench.all !== null && window.__bench.first !== null",
                 "the expected charts after a load")
    try:  # the last requests (fonts, icons) may still run when the charts are drawn; count them too
        tab.page.wait_for_load_state("networkidle", timeout=NETWORK_IDLE_MS)
    except PlaywrightTimeout:  # only means fewer bytes counted
        log.warning("network not idle %d ms after the charts were drawn", NETWORK_IDLE_MS)
    idle(tab.page)
    runs = script_runs(tab.network.frames)
    return {"first_ms": round(done["first"], 1), "all_ms": round(done["all"], 1),
            "wire": wire_summary(tab.network.responses, tab.network.finished), "runs": runs}


def act(tab: Tab, expect: Expect, press: Callable[[], None]) -> dict[str, Any]:
    """ms from the press `press` makes to the first frame showing `expect`, and the script runs meanwhile."""
    tab.network.frames.clear()
    tab.page.evaluate("(expect) => window.__bench.arm(expect)", expect)
    press()
    done = _wait(tab.page, "window.__bench.done !== null", "the expected charts after an action")
    idle(tab.page)  # charts may be drawn before the run's last frame (script_finished) arrives
    runs = script_runs(tab.network.frames)
    return {"ms": round(done["done"] - done["start"], 1), "runs": runs, "unchanged_charts": done["unchanged"]}


def idle(page: Page) -> None:
    """Wait until the app is connected and no script run is going on (Streamlit's attributes on stApp)."""
    page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
                 '[data-test-script-state="notRunning"]').wait_for(state="attached", timeout=TIMEOUT_MS)


def _wait(page: Page, condition: str, what: str) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => window.__bench && {condition}", timeout=TIMEOUT_MS, polling=50)
    except PlaywrightTimeout as exc:
        raise RuntimeError(f"timed out waiting for {what}: {_state(page)}") from exc
    return dict(page.evaluate("() => ({first: window.__bench.first, all: window.__bench.all, "
                              "start: window.__bench.start, done: window.__bench.done, "
                              "unchanged: window.__bench.unchanged})"))


def _state(page: Page) -> str:
    """What the page shows, for a timeout's message; a screenshot of it under screenshots/ (git-ignored)."""
    state = page.evaluate("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        return {url: location.href, app: app ? {...app.dataset} : null,
                exception: !!document.querySelector('[data-testid="stException"]'),
                shows: window.__bench && window.__bench.signatures(),
                expected: window.__bench && window.__bench.expect};
    }""")
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / f"bench_timeout_{int(time.time())}.png"
    try:
        page.screenshot(path=str(shot))
    except Exception as exc:  # the page may be gone; the state above is the message that matters
        log.warning("no screenshot of the timed-out page: %s", exc)
    return f"{state} (screenshot {shot})"


# --- what each page shows when done ---------------------------------------------------------------------------

def calibrate(browser: Browser, urls: Mapping[Any, str]) -> dict[Any, Expect]:
    """Each URL's charts when the page is idle: their number and signatures (one context for all)."""
    tab = new_tab(browser, None)
    try:
        return {key: _settled(tab.page, url) for key, url in urls.items()}
    finally:
        tab.close()


def _settled(page: Page, url: str, settle_s: float = 0.4, tries: int = 50) -> Expect:
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    idle(page)
    before: list[str] | None = None
    for _ in range(tries):  # the same signatures twice, `settle_s` apart, all drawn: the page has stopped changing
        time.sleep(settle_s)
        now = page.evaluate("() => window.__bench.signatures()")
        if now == before and all(now):
            return {"count": len(now), "sigs": now}  # no charts at all is an answer too (a talent without data)
        before = now
    raise RuntimeError(f"the charts of {url} did not settle: {before}")


# --- the talent page's user actions ---------------------------------------------------------------------------

def switch_talent(tab: Tab, name: str, expect: Expect) -> dict[str, Any]:
    """Pick `name` in the page's "Talent" selectbox (type to filter, click the option), as a user does."""
    field = tab.page.locator(".st-key-talent_pick input")
    field.click()
    field.fill(name)
    option = tab.page.get_by_role("option", name=name, exact=True)
    option.wait_for(state="visible")
    return act(tab, expect, option.click)


# Streamlit's grid paints rows on a <canvas>: a 35 px header, 35 px rows, the selection checkbox ~18 px in
# (as tests/browser/conftest.py's click_row_checkbox); names come from the grid's accessibility table.
_ROSTER = ".st-key-roster_table"
_GRID = "canvas[data-testid=data-grid-canvas] > table[role=grid]"
_HEADER_PX, _ROW_PX, _MARKER_X_PX = 35, 35, 18


def open_roster(tab: Tab, base_url: str | None = None) -> None:
    """Show the roster: navigate to `base_url` or, in the open app, click "Roster" in the sidebar."""
    if base_url is not None:
        tab.page.goto(base_url, wait_until="commit")
    else:
        tab.page.get_by_test_id("stSidebarNav").get_by_role("link", name="Roster").click()
    tab.page.locator(f"{_ROSTER} {_GRID} tbody tr[role=row]").first.wait_for(state="attached")
    tab.page.wait_for_function("() => !document.querySelector('[data-testid=\"stPlotlyChart\"]')")  # talent gone
    idle(tab.page)


def roster_names(tab: Tab) -> list[str]:
    """The talents in the roster rows in view, top to bottom."""
    grid = tab.page.locator(f"{_ROSTER} {_GRID}")
    titles = [t.strip() for t in grid.locator("thead th[role=columnheader]").all_text_contents()]
    column = grid.locator("thead th[role=columnheader]").nth(titles.index("Talent")).get_attribute("aria-colindex")
    cells = grid.locator(f'tbody td[role=gridcell][aria-colindex="{column}"]')
    return [t.strip() for t in cells.all_text_contents()]


def click_roster_row(tab: Tab, row: int, expect: Expect) -> dict[str, Any]:
    """Click roster row `row`'s selection checkbox (0-based, in view) and time it to the talent's charts."""
    canvas = tab.page.locator(_ROSTER).get_by_test_id("data-grid-canvas")
    box = canvas.bounding_box()
    if box is None:
        raise RuntimeError("the roster grid is not on screen")
    y = _HEADER_PX + row * _ROW_PX + _ROW_PX // 2
    if y >= box["height"]:
        raise RuntimeError(f"roster row {row} is not in view")
    return act(tab, expect, lambda: tab.page.mouse.click(box["x"] + _MARKER_X_PX, box["y"] + y))


def cycle(items: Sequence[Any], n: int, start: int = 1) -> list[Any]:
    """`n` items of `items` in turn from index `start`, wrapping: each differs from the one before."""
    if len(items) < 2:
        raise ValueError("need at least two items to switch between")
    return [items[(start + i) % len(items)] for i in range(n)]
