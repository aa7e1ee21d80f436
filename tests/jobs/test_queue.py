"""The job queue with real worker processes (`python -m intel worker` plus the test job) on real Redis and both
databases: a queued job runs, a SIGKILLed worker's job is run by another worker exactly once, two workers share
the queue without running a message twice, SIGTERM stops a worker cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine

from intel.config import get_settings
from intel.jobs import broker
from tests.jobs import actors
from tests.jobs.procs import WorkerProcess, wait_for, worker_env

pytestmark = pytest.mark.slow


@pytest.fixture
def probe_table(engine: Engine) -> Iterator[Engine]:
    """The probe job's table on the test database, dropped afterwards."""
    actors.metadata.create_all(engine)
    yield engine
    actors.metadata.drop_all(engine)


@pytest.fixture
def queue(database_url: str, redis_url: str, key_prefix: str) -> Iterator[dict[str, object]]:
    """This test's settings (its own Redis namespace) and worker environment; brokers closed afterwards."""
    settings = get_settings({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "INTEL_CACHE_PREFIX": key_prefix,
                             "INTEL_JOBS_HEARTBEAT_S": "4", "INTEL_JOBS_MAINTENANCE_PER_MILLION": "1000000"})
    yield {"settings": settings, "env": worker_env(database_url, redis_url, key_prefix)}
    broker.close_all()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    """Worker processes a test starts (append); every one stopped afterwards."""
    started: list[WorkerProcess] = []
    yield started
    for proc in started:
        proc.close()


def _start(workers: list[WorkerProcess], env: object, tmp_path: Path) -> WorkerProcess:
    proc = WorkerProcess(env, tmp_path / f"worker-{len(workers)}.log")  # type: ignore[arg-type]
    workers.append(proc)
    proc.wait_started()
    return proc


def _heartbeats(settings: object) -> int:
    b = broker.broker_for(settings)  # type: ignore[arg-type]
    return int(b.client.zcard(f"{b.namespace}:__heartbeats__"))


def test_a_queued_job_is_run_by_a_worker_process_which_stops_cleanly_on_sigterm(probe_table, queue, workers,
                                                                             tmp_path):
    worker = _start(workers, queue["env"], tmp_path)
    run_id = uuid.uuid4().hex
    assert broker.send(queue["settings"], actors.PROBE_JOB, run_id, 0.0)  # type: ignore[arg-type]

    assert wait_for(lambda: actors.rows(probe_table, "completed") == [(run_id, worker.pid)], 60), worker.log()
    assert worker.terminate() == 0, worker.log()
    assert "worker stopped" in worker.log()


def test_a_job_of_a_sigkilled_worker_is_run_by_another_worker_and_completed_once(probe_table, queue, workers,
                                                                                tmp_path):
    settings = queue["settings"]
    first = _start(workers, queue["env"], tmp_path)
    run_id = uuid.uuid4().hex
    client = broker.broker_for(settings).client  # type: ignore[arg-type]
    client.set(actors.hold_key(broker.namespace(settings), run_id), 1, ex=300)  # type: ignore[arg-type]
    broker.send(settings, actors.PROBE_JOB, run_id, 0.0)  # type: ignore[arg-type]
    assert wait_for(lambda: actors.rows(probe_table, "started") == [(run_id, first.pid)], 60), first.log()

    first.kill()  # mid-job: the message was fetched, never acknowledged
    client.delete(actors.hold_key(broker.namespace(settings), run_id))  # type: ignore[arg-type]
    second = _start(workers, queue["env"], tmp_path)

    # requeued once first's heartbeat is 4 s old; the settings' "within a minute" bound
    assert wait_for(lambda: actors.rows(probe_table, "completed") == [(run_id, second.pid)], 60), second.log()
    assert [pid for _, pid in actors.rows(probe_table, "started")] == [first.pid, second.pid]
    broker.broker_for(settings).join(broker.SYNC_QUEUE, timeout=30_000)  # type: ignore[arg-type]
    assert not wait_for(lambda: len(actors.rows(probe_table, "started")) > 2, 6)  # nobody runs it a third time
    assert actors.rows(probe_table, "completed") == [(run_id, second.pid)]


def test_a_worker_busy_with_a_long_job_keeps_its_heartbeat_so_nobody_runs_the_job_twice(probe_table, queue,
                                                                                        workers, tmp_path):
    settings = queue["settings"]
    busy = _start(workers, {**queue["env"], "INTEL_SYNC_WORKER_THREADS": "1"}, tmp_path)  # type: ignore[dict-item]
    run_id = uuid.uuid4().hex
    client = broker.broker_for(settings).client  # type: ignore[arg-type]
    client.set(actors.hold_key(broker.namespace(settings), run_id), 1, ex=300)  # type: ignore[arg-type]
    broker.send(settings, actors.PROBE_JOB, run_id, 0.0)  # type: ignore[arg-type]
    assert wait_for(lambda: actors.rows(probe_table, "started") == [(run_id, busy.pid)], 60), busy.log()
    idle = _start(workers, queue["env"], tmp_path)  # polls with maintenance on every command

    # three heartbeat timeouts (4 s) with its only thread busy: still alive to the other worker
    assert not wait_for(lambda: len(actors.rows(probe_table, "started")) > 1, 12), idle.log()
    client.delete(actors.hold_key(broker.namespace(settings), run_id))  # type: ignore[arg-type]
    assert wait_for(lambda: actors.rows(probe_table, "completed") == [(run_id, busy.pid)], 60), busy.log()
    assert actors.rows(probe_table, "started") == [(run_id, busy.pid)]


def test_two_workers_share_the_queue_and_run_each_message_once(probe_table, queue, workers, tmp_path):
    settings = queue["settings"]
    a = _start(workers, queue["env"], tmp_path)
    b = _start(workers, queue["env"], tmp_path)
    assert wait_for(lambda: _heartbeats(settings) >= 2, 30)  # both consumers poll the queue
    run_ids = [uuid.uuid4().hex for _ in range(24)]
    for run_id in run_ids:
        broker.send(settings, actors.PROBE_JOB, run_id, 0.2)  # type: ignore[arg-type]

    assert wait_for(lambda: len(actors.rows(probe_table, "completed")) >= len(run_ids), 90), a.log() + b.log()
    completed = actors.rows(probe_table, "completed")
    assert sorted(r for r, _ in completed) == sorted(run_ids)  # every message once, none twice
    assert sorted(r for r, _ in actors.rows(probe_table, "started")) == sorted(run_ids)
    assert {pid for _, pid in completed} == {a.pid, b.pid}  # both took a share
    assert a.terminate() == 0 and b.terminate() == 0


def test_an_unexpected_error_is_retried_with_backoff_up_to_the_limit_then_dead_lettered(probe_table, queue,
                                                                                       workers, tmp_path):
    settings = queue["settings"]
    worker = _start(workers, queue["env"], tmp_path)
    recovers, never = uuid.uuid4().hex, uuid.uuid4().hex
    broker.send(settings, actors.FLAKY_JOB, recovers, 2)  # type: ignore[arg-type]
    broker.send(settings, actors.FLAKY_JOB, never, 99)  # type: ignore[arg-type]

    assert wait_for(lambda: [r for r, _ in actors.rows(probe_table, "completed")] == [recovers], 60), worker.log()
    b = broker.broker_for(settings)  # type: ignore[arg-type]
    dead = f"{b.namespace}:{broker.SYNC_QUEUE}.XQ"
    assert wait_for(lambda: b.client.zcard(dead) == 1, 60), worker.log()
    started = [r for r, _ in actors.rows(probe_table, "started")]
    assert started.count(recovers) == 3  # two failures, then the run that completed
    assert started.count(never) == 3  # the first run and max_retries=2 retries, then no more


def test_without_a_reachable_redis_sending_raises_a_redis_error(database_url):
    settings = get_settings({"DATABASE_URL": database_url, "REDIS_URL": "redis://127.0.0.1:1/0"})
    with pytest.raises(redis.RedisError):
        broker.send(settings, actors.PROBE_JOB, "x", 0.0)
    broker.close_all()


def test_a_requested_sync_is_run_by_a_worker_process_which_records_the_outcome(engine, queue, workers, tmp_path,
                                                                              make_runtime, database_url, redis_url,
                                                                              key_prefix):
    from intel.jobs import schedule
    from tests.jobs.factories import connected_profile, sync_state

    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    _, profile = connected_profile(engine)
    worker = _start(workers, queue["env"], tmp_path)

    # the worker's own scheduler may have queued this never-synced profile first: one message either way
    assert schedule.request_sync(profile, reason="test", rt=rt) in {"queued", "already_queued"}

    # the worker took the message and the sync wrote how it went. Nothing is left pending: the scheduler's own
    # message for this never-synced profile, if its pass raced the request, was dropped as no longer due, or it
    # ran first and the request, finding it running, asked again a minute later (a follow-up, pending by design)
    followed_up = "another sync of this profile is running"
    assert wait_for(lambda: (state := sync_state(engine, profile)) is not None and state.last_finished_at is not None
                    and (not broker.is_pending(queue["settings"], "sync_profile", profile)
                         or followed_up in worker.log()), 60), worker.log()
    if followed_up not in worker.log():
        assert broker.queue_length(queue["settings"]) == 0  # type: ignore[arg-type]
