"""bench.browser_report: the browser rows' verdicts from recorded figures (no browser needed)."""

from __future__ import annotations

import pytest

from bench import browser_report as report
from bench.browser_pages import cycle
from bench.runner import ROWS, expand_only


def _wire(total: int, js_files: int, encoding: str = "none") -> dict:
    return {"bytes": total, "requests": js_files + 5, "js_files": js_files, "js_bytes": total - 1_000,
            "js_content_encoding": {encoding: js_files}, "js_cache_control": {"public, max-age=31536000": js_files},
            "js_compressed_share": 0.0 if encoding == "none" else 1.0}


def _load(first: float, every: float, run_ms: float = 100.0, total: int = 2_000_000) -> dict:
    return {"first_ms": first, "all_ms": every, "wire": _wire(total, 60), "runs": [{"ms": run_ms, "ok": True}]}


def _figures() -> dict:
    return {
        "fresh": {"talent": [_load(1300, 1400), _load(1200, 1390), _load(9000, 9000)],
                  "hello": [_load(1000, 1000, total=1_500_000), _load(1000, 1000), _load(1100, 1100)]},
        "reload": {"talent": [_load(500, 600, run_ms=140), _load(500, 650, run_ms=120)],
                   "hello": [_load(300, 300, run_ms=40), _load(300, 320, run_ms=50)]},
        "switch": [{"ms": 300.0, "to": "B", "unchanged_charts": 0,
                    "runs": [{"ms": 90.0, "ok": True}]},
                   {"ms": 340.0, "to": "C", "unchanged_charts": 1, "runs": [{"ms": 95.0, "ok": True}]}],
        "roster_click": [{"ms": 700.0, "to": "A", "unchanged_charts": 0,
                          "runs": [{"ms": 50.0, "ok": False}, {"ms": 110.0, "ok": True}]}],
        "office_link": {"link": {"latency": 40}, "talent": [_load(2600, 2700), _load(2600, 2800)],
                        "hello": [_load(2000, 2000), _load(2000, 2000)]},
    }


def test_a_ratio_is_rounded_and_missing_without_both_figures():
    assert report.ratio(3310, 1900) == 1.74
    assert report.ratio(None, 1900) is None
    assert report.ratio(3310, 0) is None


@pytest.mark.parametrize(("value", "expected"), [(1.3, "PASS"), (1.31, "FAIL"), (None, "not measured")])
def test_a_verdict_passes_at_the_limit_and_fails_above_it(value, expected):
    assert report.verdict(value, 1.3) == expected


def test_the_ratio_rows_judge_the_medians_of_the_same_run():
    rows = report.rows(_figures())

    first = rows["browser_first_chart"]
    assert (first["median_ms"], first["hello_median_ms"], first["ratio"]) == (1300, 1000, 1.3)
    assert first["result"].startswith("PASS: talent 1,300 ms ÷ hello 1,000 ms = 1.30×")
    assert first["n"] == 3 and first["samples_ms"]["hello"] == [1000, 1000, 1100]
    assert first["paired_ratios"] == [1.3, 1.2, 8.18]  # each talent load against the hello load beside it
    assert "side-by-side runs 1.20×–8.18×" in first["result"]
    assert rows["browser_all_charts"]["ratio"] == 1.4 and rows["browser_all_charts"]["result"].startswith("PASS")
    office = rows["browser_office_link"]
    assert (office["ratio"], office["link"]) == (1.3, {"latency": 40})
    assert "all charts talent 2,750 ms" in office["result"]


def test_the_time_rows_judge_the_p95_of_the_talent_page():
    rows = report.rows(_figures())

    assert rows["browser_reload"]["result"].startswith("PASS: p95 648 ms (hello page p95 319 ms")
    assert rows["browser_switch"]["result"].startswith("PASS: p95 338 ms, n = 2; server run p50 92 ms")
    assert "1 of 2 left a chart unchanged" in rows["browser_switch"]["result"]
    assert rows["browser_roster_click"]["result"].startswith("FAIL: p95 700 ms")
    assert rows["browser_roster_click"]["server_run_p50_ms"] == 110.0  # the run cut short for the rerun is left out


def test_the_server_row_takes_the_script_runs_of_the_warm_reloads():
    server = report.rows(_figures())["browser_server_run"]

    assert server["n"] == 2 and server["p95_ms"] == 139.0
    assert server["hello_samples_ms"] == [40, 50]
    assert server["result"].startswith("PASS: p95 139 ms (hello page p95 50 ms, 2.81×)")
    assert server["switch_runs_ms"] == [90.0, 95.0]
    assert server["result"].endswith("talent switches' runs p50 92 ms, p95 95 ms")


def test_the_bytes_row_judges_the_first_cold_load_and_names_encoding_and_caching():
    figures = _figures()
    figures["fresh"]["talent"][0]["wire"] = _wire(9_555_492, 117)
    row = report.rows(figures)["browser_bytes"]

    assert row["n"] == 122 and row["p95_ms"] is None
    assert row["result"].startswith("FAIL: talent 9.56 MB (117 JS files, 9.55 MB; JS uncompressed), hello 1.50 MB")
    assert "“public, max-age=31536000” × 117" in row["result"]
    assert row["bytes_per_load"]["talent"] == [9_555_492, 2_000_000, 2_000_000]

    figures["fresh"]["talent"][0]["wire"] = _wire(2_400_000, 117, encoding="br")
    assert report.rows(figures)["browser_bytes"]["result"].startswith("PASS: talent 2.40 MB (117 JS files, 2.40 MB; "
                                                                      "JS Content-Encoding br × 117)")


def test_parts_that_did_not_run_give_no_rows():
    figures = {"fresh": _figures()["fresh"]}
    assert set(report.rows(figures)) == {"browser_first_chart", "browser_all_charts", "browser_bytes"}


def test_each_row_key_names_the_part_that_measures_it_and_the_fresh_loads_always_run():
    assert set(report.PART_OF) == set(report.ROWS)
    assert report.parts_for(["browser_switch", "browser_server_run"]) == ("fresh", "reload", "switch")
    assert report.parts_for(["cold_compute"]) == ("fresh",)


def test_the_ratio_line_lists_the_measured_ratios_only():
    rows = report.rows(_figures())
    line = report.ratio_line(rows)
    assert line is not None
    assert "first chart 1.30× (goal ≤ 1.3× hello)" in line and "office link first chart 1.30×" in line
    assert report.ratio_line({"browser_reload": rows["browser_reload"]}) is None


def test_only_browser_stands_for_every_browser_row_of_the_table():
    assert expand_only(["cold_compute", "browser"]) == ["cold_compute", *report.ROWS]
    assert set(report.ROWS) <= set(ROWS)


def test_switches_cycle_through_the_talents_never_picking_the_one_shown():
    order = cycle(["A", "B", "C"], 7)
    assert order == ["B", "C", "A", "B", "C", "A", "B"]
    assert all(a != b for a, b in zip(["A", *order], order, strict=False))
    with pytest.raises(ValueError, match="at least two"):
        cycle(["A"], 3)


def test_a_failed_browser_part_fails_its_rows_with_a_note_and_keeps_the_others(monkeypatch):
    from bench import browser_rows, runner

    figures = {**_figures(), "talent": "A", "charts": 7, "counts": {}, "seconds": {"prepare": 1, "browser": 2},
               "errors": {"switch": "timed out waiting for the expected charts after an action: …"}}
    del figures["switch"]
    monkeypatch.setattr(browser_rows, "browser_figures", lambda *args, **kwargs: figures)
    report = {"measurements": {}, "notes": [], "counts": {}}

    runner._browser(report, "postgresql://unused", None, "p:", ["browser_switch", "browser_reload"])

    rows = report["measurements"]
    assert rows["browser_switch"]["result"] == "FAIL (error)"
    assert rows["browser_reload"]["result"].startswith("PASS")
    assert report["notes"] == ["browser rows (switch) failed: timed out waiting for the expected charts after an "
                               "action: …"]
