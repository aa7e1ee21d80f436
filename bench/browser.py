"""Browser timing for `python -m bench`: how long until a page shows its first drawn Plotly chart in Chromium.

`first_chart_figures` serves the talent page (`streamlit run server.py`, demo mode on the bench database)
and the one-chart hello app (bench/hello_app.py), loads each `RUNS` times in fresh Chromium contexts
after one warm-up, and returns the milliseconds. `measure_first_chart_ms` opens a URL in a fresh context
(cold cookies, storage and HTTP cache) and returns the time from navigation start
(`performance.timeOrigin`) to the first animation frame in which a `stPlotlyChart` holds a drawn figure
(CHART_DRAWN_JS), taken inside the page so Playwright's round trips do not count. Playwright is imported
only when measuring: without it, or without Chromium, `Unavailable` says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.seed import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HELLO_APP = "bench/hello_app.py"
CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")  # Debian's; Playwright's download does not work here
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync")
VIEWPORT = {"width": 1400, "height": 900}
RUNS = 3
STARTUP_TIMEOUT_S = 90.0

# A predicate on one `[data-testid="stPlotlyChart"]` element, as a JavaScript arrow function: Plotly
# has plotted into it (`.js-plotly-plot` with its computed traces), its `svg.main-svg` has a real
# size, and the plot holds drawn marks (trace groups; a heatmap is an <image> in `g.hm`).
CHART_DRAWN_JS = """(el) => {
    const plot = el.querySelector('.js-plotly-plot');
    const svg = el.querySelector('svg.main-svg');
    if (!plot || !svg || !plot._fullData || plot._fullData.length === 0) return false;
    const box = svg.getBoundingClientRect();
    if (box.width < 50 || box.height < 50) return false;
    return el.querySelectorAll('g.trace, g.hm image').length > 0;
}"""

# Installed before any page script runs: on every animation frame, look for a drawn chart and keep
# the time of the first frame that shows one in `window.__firstChartMs`.
_FIRST_CHART_PROBE = f"""(() => {{
    const drawn = {CHART_DRAWN_JS};
    const tick = () => {{
        const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
        for (const chart of charts) {{
            if (drawn(chart)) {{ window.__firstChartMs = performance.now(); return; }}
        }}
        requestAnimationFrame(tick);
    }};
    requestAnimationFrame(tick);
}})();"""


class Unavailable(RuntimeError):
    """Playwright or Chromium is missing: the browser row is not measured."""


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def measure_first_chart_ms(browser: Browser, url: str, *, timeout_ms: float = 60_000) -> float:
    """Milliseconds from navigation start to the first drawn `stPlotlyChart` of `url`, in a fresh context."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-US")
    try:
        page = context.new_page()
        page.add_init_script(_FIRST_CHART_PROBE)
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        handle = page.wait_for_function("() => window.__firstChartMs", timeout=timeout_ms)
        return float(handle.json_value())
    finally:
        context.close()


def first_chart_figures(db_url: str, redis_url: str | None, prefix: str, talent_id: int,
                        runs: int = RUNS) -> dict[str, Any]:
    """ms to the first drawn chart of the talent page and of the hello app, `runs` fresh-context loads each."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise Unavailable("playwright is not installed") from exc
    executable = chromium_path()
    if executable is None:
        raise Unavailable(f"Chromium not found at {CHROMIUM}")
    env = {"INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": db_url, "DATABASE_URL": db_url,
           "REDIS_URL": redis_url or "", "INTEL_CACHE_PREFIX": prefix}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
        try:
            with streamlit_server("server.py", env) as url:
                talent = _runs(browser, f"{url}/talent?talent={talent_id}", runs)
            with streamlit_server(HELLO_APP, {}) as url:
                hello = _runs(browser, url, runs)
        finally:
            browser.close()
    return {"talent_ms": talent, "hello_ms": hello, "runs": runs, "talent_id": talent_id}


def _runs(browser: Browser, url: str, runs: int) -> list[float]:
    measure_first_chart_ms(browser, url)  # warm-up, not counted: the server's first run imports plotly
    return [measure_first_chart_ms(browser, url) for _ in range(runs)]


@contextmanager
def streamlit_server(app: str, env: Mapping[str, str]) -> Iterator[str]:
    """`streamlit run app` on a free loopback port, healthy; yields its base URL and stops it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with tempfile.TemporaryFile() as log:
        # Our own interpreter running a file of this repository; no user input in the command.
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **env},  # noqa: S603
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(process, f"http://127.0.0.1:{port}", log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Any) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (loopback)
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    log.seek(0)
    tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
    raise RuntimeError(f"streamlit did not start ({'exited' if process.poll() is not None else 'timeout'}): {tail}")

