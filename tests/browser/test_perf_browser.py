"""Time to the first drawn chart: the talent page against a one-chart "hello" app (numbers only, no limit)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import DemoDatabase, StreamlitServer
from tests.browser.perf import measure_first_chart_ms

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUNS = 3


def _median_of_runs(browser: Browser, url: str) -> tuple[float, list[float]]:
    measure_first_chart_ms(browser, url)  # warm-up, not counted: the server's first run imports plotly
    runs = [measure_first_chart_ms(browser, url) for _ in range(RUNS)]
    return statistics.median(runs), runs


def test_first_chart_timing_of_the_talent_page_and_a_hello_app_is_printed(
    browser: Browser, pg_demo_server: StreamlitServer, pg_demo_database: DemoDatabase, tmp_path: Path
) -> None:
    talent_url = f"{pg_demo_server.url}/talent?talent={pg_demo_database.talent_ids['Sofia Marques']}"
    talent_ms, talent_runs = _median_of_runs(browser, talent_url)
    with StreamlitServer(tmp_path / "hello.log", app="tests/browser/hello_app.py") as hello:
        hello_ms, hello_runs = _median_of_runs(browser, hello.url)

    print(f"\nfirst drawn chart, median of {RUNS} fresh-context loads after one warm-up:")
    print(f"  talent page (PostgreSQL + Redis, cache hit): {talent_ms:7.0f} ms  runs {_ms(talent_runs)}")
    print(f"  hello app (one Plotly chart):                {hello_ms:7.0f} ms  runs {_ms(hello_runs)}")
    print(f"  talent page minus hello app:                 {talent_ms - hello_ms:7.0f} ms")


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)
