"""A circuit breaker in front of Redis, so an outage costs one timeout per cooldown, not one per call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Literal, TypeVar

import redis

from intel.cache.store import StoreUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Closed: calls go through. One failure opens it for `cooldown_s`; then one probe call decides."""

    def __init__(self, cooldown_s: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probing = False
        self.failures = 0

    @property
    def state(self) -> State:
        """closed, open (skipping the backend) or half_open (a probe may go through)."""
        with self._lock:
            return self._state()

    def _state(self) -> State:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() - self._opened_at >= self.cooldown_s else "open"

    def _admit(self) -> bool:
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open" and not self._probing:
                self._probing = True  # exactly one caller probes; the others keep skipping
                return True
            return False

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn` unless the circuit is open; a Redis or socket error opens it."""
        if not self._admit():
            raise StoreUnavailable("circuit open")
        try:
            result = fn()
        except (redis.RedisError, OSError) as exc:
            self._failed(exc)
            raise StoreUnavailable(str(exc)) from exc
        except BaseException:
            with self._lock:
                self._probing = False  # not a backend failure: let the next caller probe
            raise
        self._succeeded()
        return result

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            was_closed = self._opened_at is None
            self._opened_at, self._probing = self._clock(), False
            self.failures += 1
        if was_closed:
            log.warning("redis unavailable, circuit open for %.1fs: %s", self.cooldown_s, exc)

    def _succeeded(self) -> None:
        with self._lock:
            recovered = self._opened_at is not None
            self._opened_at, self._probing = None, False
        if recovered:
            log.info("redis reachable again, circuit closed")


class GuardedStore:
    """A store whose every call goes through a circuit breaker; failures raise StoreUnavailable."""

    def __init__(self, inner: object, breaker: CircuitBreaker) -> None:
        self.inner = inner
        self.breaker = breaker
        self.name = getattr(inner, "name", "store")

    def __getattr__(self, attr: str) -> Callable[..., object]:
        method = getattr(self.inner, attr)
        if not callable(method):
            return method

        def guarded(*args: object, **kwargs: object) -> object:
            return self.breaker.call(lambda: method(*args, **kwargs))

        return guarded
