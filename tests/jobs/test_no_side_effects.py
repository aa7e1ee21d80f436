"""Importing what the dashboard imports builds no job broker and opens no Redis connection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import dramatiq.broker
import intel.web.routes, intel.service.syncs, intel.jobs.worker
from intel.jobs import broker
assert dramatiq.broker.global_broker is None, "a global Dramatiq broker was built at import"
assert not broker._brokers, "a broker was built at import"
print("clean")
"""


def test_the_web_routes_and_the_jobs_import_without_building_a_broker():
    env = {"PATH": "/usr/bin:/bin", "REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens there
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"
