"""A test job that writes rows (which process ran which message, started and completed), declared with
`intel.jobs.broker.job` like the sync job, so the queue mechanics are tested without the sync engine."""

from __future__ import annotations

import os
import time

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert, select

from intel.jobs import broker
from intel.jobs.broker import job
from intel.runtime import get_runtime

PROBE_JOB = "test_probe"
HOLD_LIMIT_S = 120.0
metadata = MetaData()
runs = Table("test_job_probe_runs", metadata,
             Column("id", Integer, primary_key=True, autoincrement=True),
             Column("run_id", String(64), nullable=False),
             Column("pid", Integer, nullable=False),
             Column("phase", String(20), nullable=False))


def hold_key(namespace: str, run_id: str) -> str:
    """While this Redis key exists, the probe `run_id` waits between its two rows."""
    return f"{namespace}:test-hold:{run_id}"


@job(PROBE_JOB, max_retries=0)
def probe(run_id: str, work_s: float) -> None:
    """Write a "started" row, work (or wait while the hold key exists), then write a "completed" row."""
    rt = get_runtime()
    with rt.engine.begin() as conn:
        conn.execute(insert(runs).values(run_id=run_id, pid=os.getpid(), phase="started"))
    client = broker.broker_for(rt.settings).client
    deadline = time.monotonic() + HOLD_LIMIT_S
    time.sleep(work_s)
    while client.exists(hold_key(broker.namespace(rt.settings), run_id)) and time.monotonic() < deadline:
        time.sleep(0.05)
    with rt.engine.begin() as conn:
        conn.execute(insert(runs).values(run_id=run_id, pid=os.getpid(), phase="completed"))


FLAKY_JOB = "test_flaky"


@job(FLAKY_JOB, max_retries=2, min_backoff_ms=100)
def flaky(run_id: str, failures: int) -> None:
    """Write a "started" row; raise the first `failures` times, then write a "completed" row."""
    rt = get_runtime()
    with rt.engine.begin() as conn:
        conn.execute(insert(runs).values(run_id=run_id, pid=os.getpid(), phase="started"))
        attempts = len(conn.execute(select(runs.c.id).where(runs.c.run_id == run_id)).all())
    if attempts <= failures:
        raise RuntimeError(f"attempt {attempts} fails on purpose")
    with rt.engine.begin() as conn:
        conn.execute(insert(runs).values(run_id=run_id, pid=os.getpid(), phase="completed"))


def rows(engine: Engine, phase: str) -> list[tuple[str, int]]:
    """(run_id, pid) of every row of `phase`, in the order written."""
    with engine.connect() as conn:
        return [(r.run_id, r.pid) for r in conn.execute(select(runs).where(runs.c.phase == phase).order_by(runs.c.id))]
