"""Finding the real services the tests need: skip locally when one is missing, fail under CI=true."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")


def in_ci() -> bool:
    """True when the environment says every service must be present (CI=true)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, what: str) -> None:
    """Skip (locally) or fail (CI) when a service the test needs is missing."""
    if available:
        return
    message = f"{what} is not available"
    if in_ci():
        pytest.fail(f"{message}, and CI=true says it must be", pytrace=False)
    pytest.skip(message)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def chromium_available() -> bool:
    """True when Debian's Chromium is installed."""
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
