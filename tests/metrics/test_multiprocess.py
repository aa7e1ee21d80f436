"""Several processes of one host write into one PROMETHEUS_MULTIPROC_DIR and every one of them is counted, by the
summary the Ops page reads and by the exposition `/metrics` and `python -m intel metrics` serve; a process that
exits drops its live gauge, as prometheus_client's multiprocess mode asks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from intel.db.engine import make_engine
from intel.metrics import summary
from tests.factories import make_talent

pytestmark = pytest.mark.slow  # real processes: seconds each

ROOT = Path(__file__).resolve().parents[2]

# One dashboard-like process: three reads of one talent through the real provider (1 miss, computed, 2 hits on
# its embedded store) and one page run; with `hold`, it waits inside a page run until stdin closes.
PROCESS = textwrap.dedent("""
    import sys
    from intel.config import get_settings
    from intel.metrics import record
    from intel.runtime import build_runtime

    url, talent, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "hold"
    rt = build_runtime(get_settings({"DATABASE_URL": url}))
    print([rt.provider.get(talent).source for _ in range(3)], flush=True)
    with record.page_run("roster"):
        if hold:
            print("holding", flush=True)
            sys.stdin.read()
""")


def env_with(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "INTEL_DEMO"}}
    return {**env, "PROMETHEUS_MULTIPROC_DIR": str(directory)}


def run_process(directory: Path, url: str, talent: int) -> None:
    done = subprocess.run([sys.executable, "-c", PROCESS, url, str(talent), "go"], cwd=ROOT, env=env_with(directory),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['computed', 'cache', 'cache']"


@pytest.fixture
def talent_db(sqlite_url) -> tuple[str, int]:
    engine = make_engine(sqlite_url)
    talent = make_talent(engine)
    engine.dispose()
    return sqlite_url, talent


def test_two_processes_writing_into_one_directory_are_both_counted(tmp_path, talent_db):
    url, talent = talent_db
    run_process(tmp_path, url, talent)
    run_process(tmp_path, url, talent)

    figures = summary.read(tmp_path)
    assert figures.source == f"every process writing to {tmp_path}"
    assert figures.total("intel_cache_misses_total") == 2
    assert figures.total("intel_cache_hits_total") == 4
    compute = figures.distribution("intel_compute_seconds")
    assert compute is not None and compute.count == 2
    runs = figures.distribution("intel_page_run_seconds", page="roster", outcome="ok")
    assert runs is not None and runs.count == 2

    shown = subprocess.run([sys.executable, "-m", "intel", "metrics"], cwd=ROOT, env=env_with(tmp_path),
                           capture_output=True, text=True, timeout=120, check=True).stdout
    assert "intel_cache_hits_total 4.0" in shown.splitlines()
    assert 'intel_page_run_seconds_count{outcome="ok",page="roster"} 2.0' in shown.splitlines()


def test_a_live_gauge_counts_running_processes_only(tmp_path, talent_db):
    url, talent = talent_db
    holder = subprocess.Popen([sys.executable, "-c", PROCESS, url, str(talent), "hold"], cwd=ROOT,
                              env=env_with(tmp_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().startswith("[")
        assert holder.stdout.readline().strip() == "holding"
        assert in_progress(tmp_path) == 1
        assert (tmp_path / f"gauge_livesum_{holder.pid}.db").exists()
    finally:
        holder.communicate("", timeout=60)  # closes stdin: the run ends and the process exits normally
    assert holder.returncode == 0
    assert not (tmp_path / f"gauge_livesum_{holder.pid}.db").exists()  # marked dead at exit
    assert in_progress(tmp_path) == 0
    assert summary.read(tmp_path).total("intel_cache_hits_total") == 2  # its counters stay summed


def test_a_process_killed_mid_run_stops_counting_in_the_live_gauge(tmp_path, talent_db):
    url, talent = talent_db
    holder = subprocess.Popen([sys.executable, "-c", PROCESS, url, str(talent), "hold"], cwd=ROOT,
                              env=env_with(tmp_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().startswith("[") and holder.stdout.readline().strip() == "holding"
    assert in_progress(tmp_path) == 1
    holder.kill()  # SIGKILL: no atexit, as when uvicorn re-raises SIGTERM after its shutdown
    holder.communicate(timeout=60)

    assert in_progress(tmp_path) == 0  # the reader saw the process gone and marked it dead
    assert not (tmp_path / f"gauge_livesum_{holder.pid}.db").exists()
    assert summary.read(tmp_path).total("intel_cache_hits_total") == 2


def in_progress(directory: Path) -> float:
    from intel.metrics.exposition import collecting_registry

    value = collecting_registry(directory).get_sample_value("intel_page_runs_in_progress")
    return value or 0.0
