"""Key-value stores with one contract: Redis (shared) and an embedded in-process store.

The contract is what the cache, the single-flight lock, the rate limiter and the counters need:
get/set with TTL, atomic set-if-absent, replace-keeping-TTL, compare-and-delete, TTL inspection, counters,
bounded sample lists and small sets (the refresh queue's queuers and outcome inboxes). Every state change is
one atomic command, never check-then-set.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, cast

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


class StoreUnavailable(Exception):
    """The store cannot be used right now (down, hung, or its circuit is open)."""


class Store(Protocol):
    """The contract both stores implement."""

    name: str

    def get(self, key: str) -> bytes | None: ...
    def get_many(self, *keys: str) -> list[bytes | None]: ...
    def set(self, key: str, value: bytes, ttl_s: int) -> None: ...
    def set_if_absent(self, key: str, value: bytes, ttl_ms: int) -> bool: ...
    def set_max(self, key: str, value: int, ttl_s: int) -> int: ...
    def replace(self, key: str, value: bytes) -> bool: ...
    def add_member(self, key: str, member: bytes, ttl_s: int) -> None: ...
    def pop_members(self, key: str) -> frozenset[bytes]: ...
    def delete(self, *keys: str) -> int: ...
    def delete_if_equals(self, key: str, value: bytes) -> bool: ...
    def ttl(self, key: str) -> float | None: ...
    def incr(self, key: str, amount: int = 1) -> int: ...
    def incr_window(self, key: str, ttl_s: int) -> int: ...
    def push_sample(self, key: str, value: float, keep: int) -> None: ...
    def samples(self, key: str) -> list[float]: ...
    def ping(self) -> bool: ...
    def delete_matching(self, prefix: str) -> int: ...


class MemoryStore:
    """Embedded, thread-safe store with the same semantics as Redis (lazy expiry on read)."""

    name = "embedded"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._lists: dict[str, deque[float]] = {}
        self._sets: dict[str, tuple[frozenset[bytes], float]] = {}

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= self._clock():
            del self._data[key]
            return None
        return value

    def get(self, key: str) -> bytes | None:
        """The value, or None when absent or expired."""
        with self._lock:
            return self._live(key)

    def get_many(self, *keys: str) -> list[bytes | None]:
        """The values of `keys`, in order (None for absent or expired)."""
        with self._lock:
            return [self._live(k) for k in keys]

    def set(self, key: str, value: bytes, ttl_s: int) -> None:
        """Store `value` for `ttl_s` seconds."""
        with self._lock:
            self._data[key] = (value, self._clock() + ttl_s)

    def set_max(self, key: str, value: int, ttl_s: int) -> int:
        """Raise an integer key to `value` unless it is already higher; the value it holds now."""
        with self._lock:
            current = max(int(self._live(key) or -1), value)
            self._data[key] = (str(current).encode(), self._clock() + ttl_s)
            return current

    def replace(self, key: str, value: bytes) -> bool:
        """SET XX KEEPTTL: change the value of a live key, keeping its expiry; False when absent."""
        with self._lock:
            if self._live(key) is None:
                return False
            self._data[key] = (value, self._data[key][1])
            return True

    def add_member(self, key: str, member: bytes, ttl_s: int) -> None:
        """SADD + EXPIRE: add to a set and (re)start its expiry."""
        with self._lock:
            members = self._live_set(key) or frozenset()
            self._sets[key] = (members | {member}, self._clock() + ttl_s)

    def pop_members(self, key: str) -> frozenset[bytes]:
        """Take the whole set and delete it, atomically (each member is popped once)."""
        with self._lock:
            members = self._live_set(key) or frozenset()
            self._sets.pop(key, None)
            return members

    def _live_set(self, key: str) -> frozenset[bytes] | None:
        item = self._sets.get(key)
        if item is None or item[1] <= self._clock():
            self._sets.pop(key, None)
            return None
        return item[0]

    def set_if_absent(self, key: str, value: bytes, ttl_ms: int) -> bool:
        """SET NX PX: store only if absent; True when stored."""
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (value, self._clock() + ttl_ms / 1000)
            return True

    def delete(self, *keys: str) -> int:
        """Delete keys; the number that existed (like Redis, an expired key no longer exists)."""
        with self._lock:
            values = sum(self._live(k) is not None and self._data.pop(k) is not None for k in keys)
            sets = sum(self._live_set(k) is not None and self._sets.pop(k) is not None for k in keys)
            return values + sets

    def delete_if_equals(self, key: str, value: bytes) -> bool:
        """Delete only if the key holds `value` (lock release by its owner)."""
        with self._lock:
            if self._live(key) != value:
                return False
            del self._data[key]
            return True

    def ttl(self, key: str) -> float | None:
        """Seconds left, or None when absent or without expiry."""
        with self._lock:
            if self._live(key) is None:
                return None
            expires = self._data[key][1]
            return None if expires is None else max(0.0, expires - self._clock())

    def incr(self, key: str, amount: int = 1) -> int:
        """Atomic counter increment (no expiry)."""
        with self._lock:
            current = int(self._live(key) or b"0") + amount
            self._data[key] = (str(current).encode(), None)
            return current

    def incr_window(self, key: str, ttl_s: int) -> int:
        """Count within a window: increment; the first increment starts a `ttl_s` expiry."""
        with self._lock:
            current = self._live(key)
            expires = self._data[key][1] if current is not None else self._clock() + ttl_s
            count = int(current or b"0") + 1
            self._data[key] = (str(count).encode(), expires)
            return count

    def push_sample(self, key: str, value: float, keep: int) -> None:
        """Append to a bounded list of samples."""
        with self._lock:
            self._lists.setdefault(key, deque(maxlen=keep)).append(value)

    def samples(self, key: str) -> list[float]:
        """The bounded list of samples, oldest first."""
        with self._lock:
            return list(self._lists.get(key, ()))

    def ping(self) -> bool:
        """Always up."""
        return True

    def delete_matching(self, prefix: str) -> int:
        """Delete every key starting with `prefix`; the number deleted."""
        with self._lock:
            doomed = [k for k in list(self._data) if k.startswith(prefix) and self._live(k) is not None]
            for k in doomed:
                del self._data[k]
            sets = [k for k in list(self._sets) if k.startswith(prefix) and self._live_set(k) is not None]
            for k in sets:
                del self._sets[k]
            return len(doomed) + len(sets)

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._data.clear()
            self._lists.clear()
            self._sets.clear()


_SET_MAX = """
local current = tonumber(redis.call('get', KEYS[1]))
local value = tonumber(ARGV[1])
if current ~= nil and current >= value then value = current end
redis.call('set', KEYS[1], value, 'EX', ARGV[2])
return value
"""
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisStore:
    """Redis through redis-py with short timeouts and no retries: a slow Redis fails fast."""

    name = "redis"

    def __init__(self, url: str, timeout_s: float = 0.1) -> None:
        self.url = url
        # redis-py's defaults retry with backoff (seconds of blocking when Redis is down); the
        # circuit breaker above this store decides when to try again instead.
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s, retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False, health_check_interval=0, socket_keepalive=True,
        )
        self._release = self.client.register_script(_RELEASE)
        self._set_max = self.client.register_script(_SET_MAX)

    def get(self, key: str) -> bytes | None:
        """GET."""
        return cast("bytes | None", self.client.get(key))

    def get_many(self, *keys: str) -> list[bytes | None]:
        """MGET: one round trip."""
        return list(cast("list[bytes | None]", self.client.mget(keys)))

    def set(self, key: str, value: bytes, ttl_s: int) -> None:
        """SET EX."""
        self.client.set(key, value, ex=ttl_s)

    def set_max(self, key: str, value: int, ttl_s: int) -> int:
        """Raise-to-max in one Lua script, so concurrent writers never lower the value."""
        return _int(self._set_max(keys=[key], args=[value, ttl_s]))

    def replace(self, key: str, value: bytes) -> bool:
        """SET XX KEEPTTL: one atomic command."""
        return bool(self.client.set(key, value, xx=True, keepttl=True))

    def add_member(self, key: str, member: bytes, ttl_s: int) -> None:
        """SADD + EXPIRE in one transaction."""
        pipe = self.client.pipeline(transaction=True)
        pipe.sadd(key, member)
        pipe.expire(key, ttl_s)
        pipe.execute()

    def pop_members(self, key: str) -> frozenset[bytes]:
        """SMEMBERS + DEL in one transaction: whoever pops gets each member, nobody else does."""
        pipe = self.client.pipeline(transaction=True)
        pipe.smembers(key)
        pipe.delete(key)
        return frozenset(cast("set[bytes]", pipe.execute()[0]))

    def set_if_absent(self, key: str, value: bytes, ttl_ms: int) -> bool:
        """SET NX PX: one atomic command."""
        return bool(self.client.set(key, value, nx=True, px=ttl_ms))

    def delete(self, *keys: str) -> int:
        """DEL."""
        return _int(self.client.delete(*keys)) if keys else 0

    def delete_if_equals(self, key: str, value: bytes) -> bool:
        """Compare-and-delete in one Lua script."""
        return bool(self._release(keys=[key], args=[value]))

    def ttl(self, key: str) -> float | None:
        """PTTL in seconds, or None when absent or without expiry."""
        millis = _int(self.client.pttl(key))
        return millis / 1000 if millis >= 0 else None

    def incr(self, key: str, amount: int = 1) -> int:
        """INCRBY."""
        return _int(self.client.incrby(key, amount))

    def incr_window(self, key: str, ttl_s: int) -> int:
        """INCR + EXPIRE NX in one transaction: the first increment starts the window."""
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, ttl_s, nx=True)
        return int(pipe.execute()[0])

    def push_sample(self, key: str, value: float, keep: int) -> None:
        """RPUSH + LTRIM in one pipeline."""
        pipe = self.client.pipeline(transaction=False)
        pipe.rpush(key, value)
        pipe.ltrim(key, -keep, -1)
        pipe.execute()

    def samples(self, key: str) -> list[float]:
        """LRANGE as floats."""
        return [float(v) for v in cast("list[bytes]", self.client.lrange(key, 0, -1))]

    def ping(self) -> bool:
        """PING."""
        return bool(self.client.ping())

    def delete_matching(self, prefix: str) -> int:
        """SCAN for keys starting with `prefix` and delete them in batches (never KEYS)."""
        deleted, batch = 0, []
        for key in self.client.scan_iter(match=_glob_escape(prefix) + "*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += _int(self.client.delete(*batch))
                batch = []
        if batch:
            deleted += _int(self.client.delete(*batch))
        return deleted


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


def _int(reply: object) -> int:
    """An integer reply: redis-py types replies of its sync client as `Awaitable | Any` (shared with asyncio)."""
    return int(cast("int", reply))
