"""Smoke tests of `python -m bench --scale small`: every row and count is produced (timings not asserted)."""

from __future__ import annotations

import json
import numbers
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import browser_report, browser_rows, campaigns, load, proxy, report_build, runner, sim, sync_youtube
from bench.runner import ROWS, build_parser, render, run_bench, run_cli
from intel.db.engine import make_engine
from tests.services import POSTGRES_ADMIN_URL, chromium_available, port_open, require

BROWSER_ROWS = list(browser_report.ROWS)
SHORT = {"runs": 1, "reloads": 2, "switches": 2, "clicks": 2, "office_runs": 1}  # browser rows in ~1 min


@pytest.fixture
def bench_database_url() -> Iterator[str]:
    """The URL of a PostgreSQL database that does not exist yet (the bench creates it, and the browser rows
    its `_browser` sibling); both dropped afterwards."""
    admin_url = make_url(POSTGRES_ADMIN_URL)
    require(port_open(admin_url.host or "127.0.0.1", admin_url.port or 5432), "PostgreSQL")
    name = f"intel_benchtest_{uuid.uuid4().hex[:10]}"
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for database in (name, f"{name}_browser"):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@pytest.mark.slow
def test_small_bench_reports_every_measurement(bench_database_url, redis_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(load, "AGENTS", 3)  # the load rows run, but not 40 agents × 60 s (see tests/bench/test_load)
    monkeypatch.setattr(sync_youtube, "SIZE", (20, 500))  # the sync row runs, on a small channel
    monkeypatch.setattr(report_build, "HTML_N", 2)  # the report rows run, a few builds each
    monkeypatch.setattr(report_build, "PDF_N", 2)
    monkeypatch.setattr(campaigns, "CAMPAIGNS", 6)  # the campaign rows run on 6 campaigns × 5 talents
    monkeypatch.setattr(campaigns, "DETAIL_N", 3)
    monkeypatch.setattr(runner, "SMALL_REPLAY_DAYS", 30)  # the replay row runs (tests/alerts/test_replay: 100 days)
    monkeypatch.setattr(campaigns, "LIST_N", 2)
    # Fewer samples per row: each row's code still runs (figures belong to `python -m bench`, not the suite).
    monkeypatch.setattr(runner, "COLD_N", {**runner.COLD_N, "small": 5})
    monkeypatch.setattr(runner, "HIT_N", 50)
    monkeypatch.setattr(runner, "FAULT_CALLS", 10)
    monkeypatch.setattr(runner, "ROSTER_N", 3)
    monkeypatch.setattr(runner, "PAGE_N", 3)
    monkeypatch.setattr(load, "DURATION_S", 4.0)
    monkeypatch.setattr(sim, "IMPORT_ROWS", {**sim.IMPORT_ROWS, "small": 5_000})
    # Every row but the browser rows, which have their own test below, and the saturation rows: the load rows'
    # code with no think time (four Streamlit start-ups and a minute of the suite for no other path).
    skipped = set(browser_report.ROWS) | {"saturation_1_process", "saturation_2_replicas"}
    others = [key for key in ROWS if key not in skipped]
    report = run_bench(scale="small", database_url=bench_database_url, redis_url=redis_url, only=others)

    # Only the import (intel.ingest belongs to another module) and, without HAProxy, the 2-replica rows may be
    # unmeasurable; each then says why.
    import_row = report["measurements"]["import"]
    excused = {"import"} | (set() if proxy.haproxy_path() else {"load_2_replicas", "saturation_2_replicas"})
    unmeasured = {k for k, row in report["measurements"].items() if row["result"] == "not measured"} - skipped
    assert unmeasured <= excused
    assert len(report["notes"]) == len(unmeasured)
    assert report["seed"]["posts"] == 300 and report["seed"]["comments"] == 6_000
    assert report["seed"]["reused"] is False
    assert report["seed"]["roster"] == {"talents": 1_000, "reused": False}
    assert set(report["measurements"]) == set(ROWS)
    for key, row in report["measurements"].items():
        if key in unmeasured | {"import", "sentiment", "sync_youtube"} | skipped:  # rates and RSS, not ms
            continue
        assert row["n"] > 0, key
        assert all(_is_number(row[f]) for f in ("p50_ms", "p95_ms", "max_ms")), key
        assert row["result"] != "not measured", key
    if import_row["result"] != "not measured":
        assert import_row["n"] == 5_000
        assert _is_number(import_row["rows_per_s"]) and _is_number(import_row["peak_rss_mb"])
    synced = report["measurements"]["sync_youtube"]
    assert synced["n"] == 500 and synced["result"].startswith("PASS"), synced["result"]
    assert synced["figures"]["quota_units"] == synced["figures"]["minimum_units"] == synced["figures"]["api_calls"]
    assert _is_number(synced["figures"]["wall_s"]) and _is_number(synced["figures"]["peak_rss_mb"])
    for key in ("report_html", "report_pdf"):
        built = report["measurements"][key]
        assert built["n"] == 2 and built["result"].startswith(("PASS", "FAIL")), (key, built["result"])
        assert _is_number(built["cold_ms"]) and built["bytes"] > 10_000 and built["peak_rss_mb"] > 0, key
    scoring = report["measurements"]["sentiment"]
    assert scoring["comments"] == 10_000 and _is_number(scoring["comments_per_s"]) and scoring["n"] >= 10_000
    assert all(_is_number(v) for v in report["ratios"].values())
    assert _is_number(report["counts"]["stampede"]["computations_shared_counter"])
    assert sum(report["counts"]["refresh_race"]["outcomes"].values()) == 50
    assert report["measurements"]["roster_1000"]["talents_listed"] >= 1_000
    for key in ("day_no_worker", "day_worker"):
        day = report["measurements"][key]
        assert day["views"] == day["n"] == 2_000 and day["talents"] == 50, key
        assert 0 <= day["hits"] <= day["views"] and day["computed"] > 0, key
    assert report["measurements"]["day_worker"]["worker_passes"] > 0
    assert all(report["machine"][k] for k in ("python", "nproc", "postgresql", "redis"))
    table = render(report)
    assert "| measurement | n | p50 ms | p95 ms | goal | result |" in table
    assert "| simulated day, 50 talents, with worker" in table and "| roster with 1,000 talents" in table

    # The CLI path on the same (now seeded) database, one row only: the talent is reused, JSON is written.
    out = tmp_path / "bench.json"
    args = build_parser().parse_args(["--scale", "small", "--database-url", bench_database_url,
                              "--redis-url", redis_url, "--json", str(out), "--only", "cold_compute"])
    assert run_cli(args) == 0
    assert "| cold compute" in capsys.readouterr().out
    written = json.loads(out.read_text())
    assert written["seed"]["reused"] is True
    assert written["measurements"]["cold_compute"]["n"] == 5
    assert {k for k, row in written["measurements"].items() if row["result"] != "not measured"} == {"cold_compute"}

    # Without Chromium the browser rows say "not measured" and why, instead of failing the bench.
    monkeypatch.setattr(browser_rows, "chromium_path", lambda: None)
    report = run_bench(scale="small", database_url=bench_database_url, redis_url=redis_url,
                       only=["browser_first_chart", "browser_switch"])
    assert {report["measurements"][k]["result"] for k in ("browser_first_chart", "browser_switch")} == {"not measured"}
    assert [n for n in report["notes"] if "Chromium not found" in n]


@pytest.mark.slow
@pytest.mark.browser
def test_the_browser_rows_give_sane_figures_in_a_short_run(bench_database_url, redis_url, monkeypatch):
    require(chromium_available(), "Chromium")
    monkeypatch.setattr(browser_rows, "COUNTS", SHORT)
    report = run_bench(scale="small", database_url=bench_database_url, redis_url=redis_url, only=["browser"])

    rows = report["measurements"]
    assert not report["notes"], report["notes"]
    assert {k for k, row in rows.items() if row["result"] != "not measured"} == set(BROWSER_ROWS)
    for key in BROWSER_ROWS:
        assert rows[key]["result"].startswith(("PASS", "FAIL:")), (key, rows[key]["result"])
    for key, n in (("browser_first_chart", 1), ("browser_all_charts", 1), ("browser_reload", 2),
                   ("browser_switch", 2), ("browser_roster_click", 2), ("browser_office_link", 1)):
        row = rows[key]
        assert row["n"] == n, key
        assert all(_is_number(row[f]) and row[f] > 0 for f in ("p50_ms", "p95_ms", "max_ms")), key
    for key in ("browser_first_chart", "browser_all_charts", "browser_office_link"):
        assert _is_number(rows[key]["ratio"]) and rows[key]["ratio"] > 0, key
    # All charts are drawn no sooner than the first one; the same page load gives both.
    assert rows["browser_all_charts"]["median_ms"] >= rows["browser_first_chart"]["median_ms"]
    # Each warm reload is at least one complete script run of the talent page, as is each switch.
    server = rows["browser_server_run"]
    assert server["n"] >= 2 and all(count >= 1 for count in server["runs_per_load"])
    assert len(server["hello_samples_ms"]) >= 2
    assert _is_number(rows["browser_switch"]["server_run_p50_ms"])
    targets = rows["browser_switch"]["targets"]
    assert len(set(targets)) == 2 and browser_rows.PRIMARY not in targets[:1]
    # A cold load fetches the app's JavaScript over the wire, and says how it was encoded and cached.
    for page in ("talent", "hello"):
        wire = rows["browser_bytes"][page]
        assert wire["bytes"] > 100_000 and wire["js_files"] > 0 and wire["js_bytes"] <= wire["bytes"], page
        assert sum(wire["js_content_encoding"].values()) == sum(wire["js_cache_control"].values()) == wire["js_files"]
    counts = report["counts"]["browser"]
    assert counts["talent"] == browser_rows.PRIMARY and counts["charts"] >= 1 and counts["counts"] == SHORT
    table = render(report)
    assert "Browser ratios, talent ÷ hello page" in table and "| Chromium, switch talent in the open page" in table


@pytest.mark.slow
def test_the_report_rows_build_the_bench_talents_report_in_a_child_process(bench_database_url, redis_url,
                                                                           monkeypatch):
    monkeypatch.setattr(report_build, "HTML_N", 3)
    monkeypatch.setattr(report_build, "PDF_N", 2)
    report = run_bench(scale="small", database_url=bench_database_url, redis_url=redis_url, only=["report_build"])

    rows = report["measurements"]
    assert not report["notes"], report["notes"]
    assert {k for k, row in rows.items() if row["result"] != "not measured"} == {"report_html", "report_pdf"}
    html, pdf = rows["report_html"], rows["report_pdf"]
    assert (html["n"], pdf["n"]) == (3, 2)
    for row in (html, pdf):
        assert all(_is_number(row[f]) and row[f] > 0 for f in ("p50_ms", "p95_ms", "max_ms", "cold_ms"))
        assert row["result"].startswith(("PASS", "FAIL")) and "peak RSS" in row["result"]
    assert pdf["bytes"] > html["bytes"] > 10_000  # a whole report each, not an error page
    # The child is the one process measured: its RSS only grows from the HTML builds to the PDF builds.
    assert 0 < pdf["peak_rss_mb_after_html"] <= pdf["peak_rss_mb"] == html["peak_rss_mb"]
    assert "| media-kit report, PDF (WeasyPrint)" in render(report)


def test_an_unknown_row_is_refused_before_anything_runs():
    with pytest.raises(ValueError, match="unknown rows nope"):
        run_bench(scale="small", database_url="postgresql+psycopg2://nobody@127.0.0.1:1/none", only=["nope"])
