"""Browser timing for the benchmark: how long until a page shows its first drawn Plotly chart.

`measure_first_chart_ms(browser, url)` opens `url` in a fresh browser context (cold cookies and
storage; the HTTP cache is per context too) and returns the milliseconds from navigation start
(`performance.timeOrigin`) to the first animation frame in which a `stPlotlyChart` holds a drawn
figure (see CHART_DRAWN_JS). The time is taken inside the page, so Playwright's own round trips do
not count. Nothing here asserts a time: callers print or record the numbers.
"""

from __future__ import annotations

from playwright.sync_api import Browser

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

VIEWPORT = {"width": 1400, "height": 900}


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
