"""The browser rows of the bench table, from bench.browser_rows' figures: verdicts against issue 13's goals.

Pure functions of the recorded figures (unit-tested without a browser). Time rows judge the p95 of the
talent page's samples; ratio rows judge talent ÷ hello of the medians of the same run; the bytes row the
talent page's cold load on the wire. Every row also carries the hello page's figures and the samples.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from intel.cache.stats import percentile

MB = 1_000_000
# key -> (label, goal text, limit): ms for time rows, a ratio for ratio rows, bytes for the bytes row
ROWS: dict[str, tuple[str, str, float]] = {
    "browser_first_chart": ("Chromium, fresh context: navigation → first chart (talent page; ÷ hello page)",
                            "≤ 1.3× hello", 1.3),
    "browser_all_charts": ("Chromium, fresh context: navigation → all charts drawn (talent page; ÷ hello page)",
                           "≤ 1.4× hello", 1.4),
    "browser_reload": ("Chromium, warm reload (HTTP cache warm) → all charts", "p95 ≤ 700", 700.0),
    "browser_switch": ("Chromium, switch talent in the open page → all charts show it", "p95 ≤ 350", 350.0),
    "browser_roster_click": ("Chromium, roster row click → the talent's charts", "p95 ≤ 600", 600.0),
    "browser_server_run": ("server: first → last WebSocket frame of a warm talent-page run", "p95 ≤ 150", 150.0),
    "browser_bytes": ("cold load: bytes on the wire, talent page (n = responses)", "≤ 3 MB", 3.0 * MB),
    "browser_office_link": ("office link (20 Mbit/s, 40 ms RTT), fresh context → first chart (÷ hello page)",
                            "≤ 1.3× hello", 1.3),
}
# Which part of bench.browser_rows each row needs (the fresh loads always run).
PART_OF = {"browser_first_chart": "fresh", "browser_all_charts": "fresh", "browser_bytes": "fresh",
           "browser_reload": "reload", "browser_server_run": "reload", "browser_switch": "switch",
           "browser_roster_click": "roster_click", "browser_office_link": "office_link"}


def ratio(a: float | None, b: float | None) -> float | None:
    """a ÷ b to two decimals; None when either is missing or b is 0."""
    return None if a is None or not b else round(a / b, 2)


def verdict(value: float | None, limit: float) -> str:
    """PASS when `value` is at most `limit`, FAIL above it, "not measured" without a value."""
    return "not measured" if value is None else "PASS" if value <= limit else "FAIL"


def parts_for(keys: Sequence[str]) -> tuple[str, ...]:
    """The bench.browser_rows parts that measure these row keys, fresh first."""
    wanted = {PART_OF[k] for k in keys if k in PART_OF}
    return ("fresh", *sorted(wanted - {"fresh"}))


def rows(figures: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every row the figures hold (a part that did not run gives no row)."""
    fresh = figures["fresh"]
    out = {"browser_first_chart": _ratio_row("browser_first_chart", fresh, "first_ms"),
           "browser_all_charts": _ratio_row("browser_all_charts", fresh, "all_ms"),
           "browser_bytes": _bytes_row(fresh)}
    if "reload" in figures:
        out["browser_reload"] = _time_row("browser_reload", [r["all_ms"] for r in figures["reload"]["talent"]],
                                          hello=[r["all_ms"] for r in figures["reload"]["hello"]])
        out["browser_server_run"] = _server_row(figures["reload"], figures.get("switch", ()))
    if "switch" in figures:
        out["browser_switch"] = _action_row("browser_switch", figures["switch"])
    if "roster_click" in figures:
        out["browser_roster_click"] = _action_row("browser_roster_click", figures["roster_click"])
    if "office_link" in figures:
        out["browser_office_link"] = _ratio_row("browser_office_link", figures["office_link"], "first_ms",
                                                also="all_ms", link=figures["office_link"]["link"])
    return out


def _stats(samples: Sequence[float]) -> dict[str, Any]:
    return {"n": len(samples), "p50_ms": _r(percentile(list(samples), 50)), "p95_ms": _r(percentile(list(samples), 95)),
            "max_ms": _r(max(samples) if samples else None)}


def _base(key: str, samples: Sequence[float], result: str, **extra: Any) -> dict[str, Any]:
    label, goal, _ = ROWS[key]
    return {"label": label, **_stats(samples), "goal": goal, "result": result, **extra}


def _median(samples: Sequence[float]) -> float | None:
    return statistics.median(samples) if samples else None


def _ratio_row(key: str, loads: Mapping[str, Any], field: str, *, also: str | None = None,
               **extra: Any) -> dict[str, Any]:
    """Talent ÷ hello of the medians of `field` over the loads of each page, against the row's ratio limit."""
    talent, hello = ([r[field] for r in loads[page]] for page in ("talent", "hello"))
    t, h = _median(talent), _median(hello)
    x = ratio(t, h)
    # Each talent load ran next to a hello load: their ratios show how much the machine's noise moves it.
    paired = [r for r in (ratio(a, b) for a, b in zip(talent, hello, strict=False)) if r is not None]
    result = f"{verdict(x, ROWS[key][2])}: talent {_ms(t)} ÷ hello {_ms(h)} = {_x(x)} (medians)"
    if len(paired) > 1:
        result += f", side-by-side runs {_x(min(paired))}–{_x(max(paired))}"
    if also:
        result += f"; all charts talent {_ms(_median([r[also] for r in loads['talent']]))}"
    return _base(key, talent, result, ratio=x, median_ms=_r(t), hello_median_ms=_r(h), paired_ratios=paired,
                 samples_ms={"talent": talent, "hello": hello}, **extra)


def _time_row(key: str, samples: Sequence[float], *, hello: Sequence[float] | None = None,
              **extra: Any) -> dict[str, Any]:
    p95 = percentile(list(samples), 95)
    result = f"{verdict(p95, ROWS[key][2])}: p95 {_ms(p95)}"
    if hello:
        h95 = percentile(list(hello), 95)
        result += f" (hello page p95 {_ms(h95)}, {_x(ratio(p95, h95))})"
        extra["hello_p95_ms"] = _r(h95)
    return _base(key, samples, result, samples_ms=list(samples), **extra)


def _action_row(key: str, actions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """An in-page action's ms to all charts, plus the server's script-run time of each action."""
    server = [run["ms"] for a in actions for run in a["runs"] if run["ok"]]
    row = _time_row(key, [a["ms"] for a in actions], server_run_p50_ms=_r(percentile(server, 50)),
                    targets=[a["to"] for a in actions])
    row["result"] += f", n = {len(actions)}; server run p50 {_ms(percentile(server, 50))}"
    unchanged = sum(1 for a in actions if a.get("unchanged_charts"))
    if unchanged:  # a chart equal before and after: it counted as done at once
        row["result"] += f"; {unchanged} of {len(actions)} left a chart unchanged"
    return row


def _server_row(reloads: Mapping[str, Sequence[Mapping[str, Any]]],
                switches: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Script runs (new_session → script_finished) seen during the warm reloads, talent and hello; the
    switches' runs beside them (same session, while the browser has no JavaScript to parse)."""
    talent, hello = ([run["ms"] for load in reloads[page] for run in load["runs"] if run["ok"]]
                     for page in ("talent", "hello"))
    row = _time_row("browser_server_run", talent, hello=hello)
    runs_per_load = [len(load["runs"]) for load in reloads["talent"]]
    row.update(hello_samples_ms=hello, runs_per_load=runs_per_load)
    switched = [run["ms"] for a in switches for run in a["runs"] if run["ok"]]
    if switched:
        row["switch_runs_ms"] = switched
        row["result"] += (f"; talent switches' runs p50 {_ms(percentile(switched, 50))}, "
                          f"p95 {_ms(percentile(switched, 95))}")
    return row


def _bytes_row(fresh: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The talent page's cold load on the wire (its first fresh context), with the hello page's."""
    talent, hello = fresh["talent"][0]["wire"], fresh["hello"][0]["wire"]
    result = (f"{verdict(talent['bytes'], ROWS['browser_bytes'][2])}: talent {_mb(talent['bytes'])} "
              f"({talent['js_files']} JS files, {_mb(talent['js_bytes'])}; {_encoding(talent)}), "
              f"hello {_mb(hello['bytes'])} ({hello['js_files']} JS files); {_caching(talent)}")
    row = _base("browser_bytes", [], result, talent=talent, hello=hello,
                bytes_per_load={p: [load["wire"]["bytes"] for load in fresh[p]] for p in ("talent", "hello")})
    row["n"] = talent["requests"]
    return row


def _encoding(wire: Mapping[str, Any]) -> str:
    encodings = wire["js_content_encoding"]
    return "JS uncompressed" if set(encodings) <= {"none"} else "JS Content-Encoding " + ", ".join(
        f"{e} × {n}" for e, n in encodings.items())


def _caching(wire: Mapping[str, Any]) -> str:
    return "JS Cache-Control " + ", ".join(f"“{c}” × {n}" for c, n in wire["js_cache_control"].items())


def ratio_line(measured: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The browser ratios (talent ÷ hello, same run) in one line, or None when no ratio row was measured."""
    parts = [f"{name} {_x(measured[key].get('ratio'))} (goal {ROWS[key][1]})"
             for key, name in (("browser_first_chart", "first chart"), ("browser_all_charts", "all charts"),
                               ("browser_office_link", "office link first chart"))
             if key in measured and measured[key].get("ratio") is not None]
    return "Browser ratios, talent ÷ hello page (medians, same run): " + ", ".join(parts) if parts else None


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _mb(value: float) -> str:
    return f"{value / MB:.2f} MB"
