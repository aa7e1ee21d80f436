"""Worker processes for the queue tests: started with the test's database, Redis and namespace, stopped after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def worker_env(database_url: str, redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    """The environment of a worker on the test's services: short heartbeat, maintenance on every command."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INTEL_") and k not in {"REDIS_URL", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"}}
    return {**env, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "INTEL_CACHE_PREFIX": prefix,
            "INTEL_JOBS_HEARTBEAT_S": "4", "INTEL_JOBS_MAINTENANCE_PER_MILLION": "1000000",
            "INTEL_WORKER_INTERVAL_S": "2", "INTEL_SYNC_WORKER_THREADS": "2", "INTEL_LOG_LEVEL": "INFO", **extra}


class WorkerProcess:
    """One `python -m tests.jobs.worker_main` process, its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.jobs.worker_main"], cwd=ROOT, env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        """The process id (the probe rows carry it)."""
        return self.proc.pid

    def log(self) -> str:
        """What the process logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_started(self, within_s: float = 60.0) -> None:
        """Until the worker logged that its Dramatiq threads run."""
        wait_for(lambda: "worker started" in self.log() or self.proc.poll() is not None, within_s)
        assert self.proc.poll() is None, self.log()

    def terminate(self, within_s: float = 60.0) -> int:
        """SIGTERM and wait for the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=within_s)

    def kill(self) -> None:
        """SIGKILL (no shutdown, nothing acknowledged or requeued by the process itself)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def close(self) -> None:
        """Make sure the process is gone and the log file closed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def wait_for(condition: Callable[[], bool], within_s: float, every_s: float = 0.1) -> bool:
    """Poll `condition` until it holds or `within_s` passes; whether it held."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every_s)
    return bool(condition())
