"""Delivery across worker processes, on both databases: two `python -m intel worker --once` processes racing on
one outbox send every message exactly once, and a worker killed mid-send leaves nothing sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from intel.alerts.deliver import LEASE_S, deliver_due
from intel.db.alerts import AlertPreference, Delivery
from intel.db.engine import session_factory, transaction
from tests.alerts.delivery_setup import KEY, PUBLIC_URL, alert_settings, cast, dropping_talent, raise_alerts
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
TALENTS = 8


@pytest.fixture
def smtp(tmp_path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    yield server
    server.stop()


def _queue(engine: Engine, smtp: SmtpServer) -> int:
    """One alert on each of TALENTS talents of one agent, raised now; the deliveries queued."""
    people = cast(engine)
    with transaction(engine) as s:  # alerts only: the weekly digest (due any day after Monday 08:00) is not sent
        s.add_all([AlertPreference(user_id=uid, digest_enabled=False)
                   for uid in (people.agent, people.other, people.manager)])
    now = datetime.now(UTC)
    settings = alert_settings(smtp.settings())
    for i in range(TALENTS):
        raise_alerts(engine, dropping_talent(engine, people.agent, name=f"Talent {i}", end=now), settings, now)
    with session_factory(engine)() as s:
        return len(s.scalars(select(Delivery.id)).all())


def _worker(engine: Engine, smtp: SmtpServer) -> subprocess.Popen[bytes]:
    env = {**os.environ, **smtp.env(), "DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "REDIS_URL": "", "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": PUBLIC_URL, "INTEL_SECRET_KEY": KEY}
    return subprocess.Popen([sys.executable, "-m", "intel", "worker", "--once"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _message_ids(smtp: SmtpServer) -> Counter[str]:
    with smtp.box.lock:
        return Counter(str(m["Message-ID"]) for m in smtp.box.messages)


def test_two_worker_processes_send_each_alert_exactly_once(engine, smtp) -> None:
    queued = _queue(engine, smtp)
    assert queued == TALENTS
    smtp.box.stall_rcpt_s = 0.2  # slow enough that both workers are at the outbox at the same time
    workers = [_worker(engine, smtp) for _ in range(2)]
    for w in workers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()[-2000:]
    ids = _message_ids(smtp)
    assert len(ids) == TALENTS and set(ids.values()) == {1}
    with session_factory(engine)() as s:
        rows = s.execute(select(Delivery.status, Delivery.attempts)).all()
    assert sorted(rows) == [("sent", 1)] * TALENTS


def test_a_worker_killed_mid_send_leaves_the_rest_to_the_next_and_sends_nothing_twice(engine, smtp) -> None:
    _queue(engine, smtp)
    smtp.box.stall_after, smtp.box.stall_rcpt_s = 3, 60.0  # the 4th message hangs in RCPT
    worker = _worker(engine, smtp)
    deadline = time.monotonic() + 60
    while smtp.box.rcpts < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert smtp.box.rcpts == 4 and len(smtp.box.messages) == 3
    worker.send_signal(signal.SIGKILL)  # a crash: no cleanup, the claim stays in the row
    worker.wait(timeout=30)
    smtp.box.stall_rcpt_s = 0.0
    settings = alert_settings(smtp.settings())
    sessions = session_factory(engine)
    # Within the dead worker's lease its delivery is left alone; the others go.
    report = deliver_due(sessions, settings, worker="restarted", now=lambda: datetime.now(UTC))
    assert report.sent == TALENTS - 4
    later = datetime.now(UTC) + timedelta(seconds=LEASE_S + 1)
    assert deliver_due(sessions, settings, worker="restarted", now=lambda: later).sent == 1
    ids = _message_ids(smtp)
    assert len(ids) == TALENTS and set(ids.values()) == {1}
    with sessions() as s:
        attempts = sorted(s.scalars(select(Delivery.attempts)))
    assert attempts == [1] * (TALENTS - 1) + [2]  # the interrupted one was tried twice, delivered once
