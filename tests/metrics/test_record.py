"""The Prometheus families move where the events happen: cache counters through `Stats`, computations, refreshes,
page runs (including Streamlit's stop and rerun), worker passes and imports; quantiles come from the buckets."""

from __future__ import annotations

import random

import pytest

from intel.cache.stats import COUNTERS, Stats
from intel.cache.store import MemoryStore
from intel.cache.worker import pieces, run_pass
from intel.errors import ImportRefused
from intel.ingest.importer import import_file
from intel.metrics import record, summary
from intel.metrics.exposition import bearer_matches
from tests.factories import make_talent


class Stop(BaseException):
    """Stands for Streamlit's StopException: a BaseException that ends a script run."""


def now() -> summary.MetricsSummary:
    return summary.read()


def test_every_stats_counter_name_moves_a_prometheus_series():
    assert set(COUNTERS) == record.CACHE_EVENTS


def test_stats_events_are_counted_in_prometheus_too():
    before = now()
    stats = Stats(MemoryStore())
    for name in ("hit", "hit", "miss", "error", "stale_served", "refresh_refreshed", "refresh_rate_limited"):
        stats.incr(name)
    stats.observe_compute(120.0)
    after = now()

    def moved(name: str, **labels: str) -> float:
        return after.total(name, **labels) - before.total(name, **labels)

    assert moved("intel_cache_hits_total") == 2
    assert moved("intel_cache_misses_total") == 1
    assert moved("intel_cache_errors_total") == 1
    assert moved("intel_cache_stale_served_total") == 1
    assert moved("intel_refresh_total", outcome="refreshed") == 1
    assert moved("intel_refresh_total", outcome="rate_limited") == 1
    assert moved("intel_refresh_total", outcome="failed") == 0
    compute_before, compute_after = (s.distribution("intel_compute_seconds") for s in (before, after))
    assert compute_after is not None and compute_before is not None
    assert compute_after.count - compute_before.count == 1
    assert compute_after.total - compute_before.total == pytest.approx(0.12)


def page_runs(page: str, outcome: str) -> float:
    found = now().distribution("intel_page_run_seconds", page=page, outcome=outcome)
    return found.count if found else 0.0


def test_a_page_run_is_counted_by_page_and_by_how_it_ended():
    def outcome_of(exc: BaseException) -> str:
        return "stopped" if isinstance(exc, Stop) else "error"

    with record.page_run("test-page", outcome_of):
        pass
    with pytest.raises(Stop), record.page_run("test-page", outcome_of):
        raise Stop
    with pytest.raises(ValueError), record.page_run("test-page", outcome_of):
        raise ValueError("a page bug")
    record.observe_page_run("test-page", 0.2, "not-an-outcome")  # unknown outcomes are errors, labels stay bounded

    assert (page_runs("test-page", "ok"), page_runs("test-page", "stopped"), page_runs("test-page", "error")) == \
        (1, 1, 2)
    assert now().distribution("intel_page_run_seconds", page="test-page").count == 4  # type: ignore[union-attr]
    assert now().total("intel_page_runs_in_progress") == 0  # a gauge, not among the counters


def test_quantiles_interpolate_within_buckets_like_histogram_quantile():
    buckets = ((0.1, 10.0), (0.2, 30.0), (0.5, 40.0), (float("inf"), 40.0))
    assert summary.bucket_quantile(buckets, 0.25) == pytest.approx(0.1)
    assert summary.bucket_quantile(buckets, 0.5) == pytest.approx(0.15)
    assert summary.bucket_quantile(buckets, 0.95) == pytest.approx(0.2 + 0.3 * 8 / 10)
    assert summary.bucket_quantile(((0.1, 0.0), (float("inf"), 0.0)), 0.5) is None
    assert summary.bucket_quantile(((0.1, 1.0), (float("inf"), 5.0)), 0.95) == 0.1  # beyond the last bound


def test_the_bearer_check_accepts_only_the_exact_token():
    token = "s3cret-token-of-some-length"
    assert bearer_matches(f"Bearer {token}", token)
    assert bearer_matches(f"bearer {token}", token)
    for header in (None, "", token, f"Basic {token}", f"Bearer {token}x", f"Bearer {token[:-1]}", "Bearer "):
        assert not bearer_matches(header, token), header


def jobs(job: str, outcome: str) -> float:
    return now().total("intel_jobs_total", job=job, outcome=outcome)


def test_a_worker_pass_and_the_talents_it_recomputed_are_counted(engine, database_url, make_runtime):
    rt = make_runtime(database_url)
    make_talent(engine)
    before = (jobs("worker_pass", "completed"), now().total("intel_worker_talents_total", result="recomputed"))
    report = run_pass(**pieces(rt), rng=random.Random(0))
    after = (jobs("worker_pass", "completed"), now().total("intel_worker_talents_total", result="recomputed"))
    assert report.recomputed >= 1
    assert (after[0] - before[0], after[1] - before[1]) == (1, report.recomputed)


def test_imports_count_their_rows_and_how_they_ended(engine, tmp_path):
    good = tmp_path / "talents.csv"
    good.write_text("name,primary_handle\nNew Person,@new_person_metrics\nBad,\n", encoding="utf-8")
    before = (jobs("import", "completed"), jobs("import", "refused"),
              now().total("intel_import_rows_total", kind="talents", result="inserted"),
              now().total("intel_import_rows_total", kind="talents", result="refused"))
    report = import_file("talents", good, engine=engine, parallel=False)
    with pytest.raises(ImportRefused):
        import_file("talents", b"\x00\x01binary", engine=engine, parallel=False)
    after = (jobs("import", "completed"), jobs("import", "refused"),
             now().total("intel_import_rows_total", kind="talents", result="inserted"),
             now().total("intel_import_rows_total", kind="talents", result="refused"))
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, report.inserted, report.refused]
    assert (report.inserted, report.refused) == (1, 1)
