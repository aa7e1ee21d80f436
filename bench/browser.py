"""What the browser rows of `python -m bench` stand on: Debian's Chromium, a served app, a drawn chart.

`streamlit_server` runs `streamlit run APP` on a free loopback port until it is healthy; CHART_DRAWN_JS
says when one `stPlotlyChart` holds a drawn figure (the browser tests judge charts by it too). The rows
themselves are bench.browser_rows (what runs), bench.browser_pages (the timed page actions), bench.cdp
(network and WebSocket events) and bench.browser_report (verdicts). Playwright is imported only when
measuring: without it, or without Chromium, `Unavailable` says so.
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
from typing import Any

from bench.seed import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HELLO_APP = "bench/hello_server.py"  # bench/hello_app.py behind the same static serving
CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")  # Debian's; Playwright's download does not work here
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync")
VIEWPORT = {"width": 1400, "height": 900}
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

class Unavailable(RuntimeError):
    """Playwright or Chromium is missing: the browser row is not measured."""


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


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
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server the bench started; kill it if it has not exited after 10 s."""
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

