"""Smoke test of `python -m bench --scale small`: every row and count is produced (figures not asserted)."""

from __future__ import annotations

import json
import numbers
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import browser, load, proxy
from bench.runner import ROWS, build_parser, render, run_bench, run_cli
from intel.db.engine import make_engine
from tests.services import POSTGRES_ADMIN_URL, chromium_available, port_open, require


@pytest.fixture
def bench_database_url() -> Iterator[str]:
    """The URL of a PostgreSQL database that does not exist yet (the bench creates it); dropped afterwards."""
    admin_url = make_url(POSTGRES_ADMIN_URL)
    require(port_open(admin_url.host or "127.0.0.1", admin_url.port or 5432), "PostgreSQL")
    name = f"intel_benchtest_{uuid.uuid4().hex[:10]}"
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@pytest.mark.slow
def test_small_bench_reports_every_measurement(bench_database_url, redis_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(load, "AGENTS", 3)  # the load rows run, but not 40 agents × 60 s (see tests/bench/test_load)
    monkeypatch.setattr(load, "DURATION_S", 12.0)
    report = run_bench(scale="small", database_url=bench_database_url, redis_url=redis_url)

    # Only the import (intel.ingest belongs to another module), without Chromium the browser row and without
    # HAProxy the 2-replica row may be unmeasurable; each then says why.
    import_row = report["measurements"]["import"]
    excused = {"import"} | (set() if chromium_available() else {"browser_first_chart"}) | (
        set() if proxy.haproxy_path() else {"load_2_replicas"})
    unmeasured = {k for k, row in report["measurements"].items() if row["result"] == "not measured"}
    assert unmeasured <= excused
    assert len(report["notes"]) == len(unmeasured)
    assert report["seed"]["posts"] == 300 and report["seed"]["comments"] == 6_000
    assert report["seed"]["reused"] is False
    assert report["seed"]["roster"] == {"talents": 1_000, "reused": False}
    assert set(report["measurements"]) == set(ROWS)
    for key, row in report["measurements"].items():
        if key in unmeasured | {"import"}:  # the import reports rows/s and RSS, not ms
            continue
        assert row["n"] > 0, key
        assert all(_is_number(row[f]) for f in ("p50_ms", "p95_ms", "max_ms")), key
        assert row["result"] != "not measured", key
    if import_row["result"] != "not measured":
        assert import_row["n"] == 20_000
        assert _is_number(import_row["rows_per_s"]) and _is_number(import_row["peak_rss_mb"])
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
    assert written["measurements"]["cold_compute"]["n"] == 20
    assert {k for k, row in written["measurements"].items() if row["result"] != "not measured"} == {"cold_compute"}

    # Without Chromium the browser row says "not measured" and why, instead of failing the bench.
    monkeypatch.setattr(browser, "chromium_path", lambda: None)
    report = run_bench(scale="small", database_url=bench_database_url, redis_url=redis_url,
                       only=["browser_first_chart"])
    assert report["measurements"]["browser_first_chart"]["result"] == "not measured"
    assert [n for n in report["notes"] if "Chromium not found" in n]


def test_an_unknown_row_is_refused_before_anything_runs():
    with pytest.raises(ValueError, match="unknown rows nope"):
        run_bench(scale="small", database_url="postgresql+psycopg2://nobody@127.0.0.1:1/none", only=["nope"])
