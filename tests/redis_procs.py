"""Throwaway Redis processes and a never-answering "hung Redis" for the fault tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time

from tests.services import free_port, port_open

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def redis_server_available() -> bool:
    """True when a `redis-server` binary can be started."""
    return os.path.exists(REDIS_SERVER)


def processes_on_port(port: int) -> list[str]:
    """`pgrep -af` lines of redis-server processes bound to `port` (empty when none is left)."""
    found = subprocess.run(["pgrep", "-af", f"redis-server.*:{port}([^0-9]|$)"],
                           capture_output=True, text=True, check=False)
    return [line for line in found.stdout.splitlines() if line.strip()]


class RedisServer:
    """A `redis-server` subprocess on a free port: no persistence, killable with SIGKILL and restartable."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The redis:// URL of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, ready_within_s: float = 10.0) -> RedisServer:
        """Start the server and wait until it accepts connections."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + ready_within_s
        while not port_open("127.0.0.1", self.port, timeout=0.2):
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server on port {self.port} exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server on port {self.port} not ready within {ready_within_s}s")
            time.sleep(0.02)
        return self

    def kill(self) -> None:
        """SIGKILL the server (no shutdown, no goodbye to clients) and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: the process stays, its sockets accept bytes, nothing is answered (a hung Redis)."""
        assert self.proc is not None and self.proc.poll() is None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT after freeze()."""
        assert self.proc is not None and self.proc.poll() is None
        self.proc.send_signal(signal.SIGCONT)

    def restart(self) -> RedisServer:
        """Kill if running, then start again on the same port (empty: nothing was persisted)."""
        self.kill()
        return self.start()


class HungRedis:
    """A TCP server that accepts connections and never answers: every Redis read times out."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self.port = int(self._sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, name=f"hung-redis-{self.port}", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The redis:// URL pointing at this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)  # held open, never read from, never written to

    def close(self) -> None:
        """Stop accepting, close every connection and the listening socket, join the thread."""
        self._stop.set()
        self.thread.join(timeout=5)
        for conn in self.accepted:
            conn.close()
        self._sock.close()
