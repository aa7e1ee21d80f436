"""HAProxy for `python -m bench`: docs/haproxy.cfg (the documented production config) on a free loopback port.

HAProxy is Debian's `haproxy` package (`apt-get install haproxy`); without it `Unavailable` says so and
the 2-replica row is not measured.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.browser import PROJECT_ROOT, Unavailable, stop
from bench.seed import free_port

CONFIG = PROJECT_ROOT / "docs" / "haproxy.cfg"
SBIN_HAPROXY = "/usr/sbin/haproxy"
STARTUP_TIMEOUT_S = 15.0


@dataclass
class Proxy:
    """A running HAProxy: the URL clients use, and its own output (server state changes, alerts)."""

    url: str
    _log: Any

    def events(self) -> list[str]:
        """HAProxy's messages so far, e.g. "Server streamlit/replica2 is DOWN"."""
        self._log.seek(0)
        return [line for line in self._log.read().decode(errors="replace").splitlines() if line.strip()]


def haproxy_path() -> str | None:
    """The haproxy executable, if installed (Debian puts it in /usr/sbin, not always on PATH)."""
    return shutil.which("haproxy") or (SBIN_HAPROXY if os.path.exists(SBIN_HAPROXY) else None)


@contextmanager
def sticky_proxy(replicas: Sequence[str], config: Path = CONFIG) -> Iterator[Proxy]:
    """HAProxy with `config` in front of `replicas` (base URLs), listening on a free loopback port."""
    executable = haproxy_path()
    if executable is None:
        raise Unavailable("haproxy is not installed (apt-get install haproxy)")
    port = free_port()
    env = {**os.environ, "INTEL_PROXY_BIND": f"127.0.0.1:{port}",
           **{f"INTEL_REPLICA_{i}": url.split("://", 1)[-1] for i, url in enumerate(replicas, start=1)}}
    # -db: stay in the foreground, so terminating the process ends the proxy.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([executable, "-db", "-f", str(config)], env=env,  # noqa: S603 (fixed command)
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_listening(process, port, log)
            yield Proxy(f"http://127.0.0.1:{port}", log)
        finally:
            stop(process)


def _wait_listening(process: subprocess.Popen[bytes], port: int, log: Any) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    log.seek(0)
    tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
    raise RuntimeError(f"haproxy did not start ({'exited' if process.poll() is not None else 'timeout'}): {tail}")
