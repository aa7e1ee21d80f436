"""Dramatiq's Redis broker on the shared Redis, built on first use, and the jobs declared on it.

Why Dramatiq rather than RQ: a Dramatiq worker acknowledges a message only after its job finished; a worker
that dies (SIGKILL, OOM, lost host) leaves its messages in its "unacked" set, and once its heartbeat is older
than `heartbeat_timeout` another process's queue command moves them back to the queue (see below), so no job
is lost. RQ moves a dead worker's job to the failed-job registry instead: someone must notice and requeue it.
Dramatiq also ships retries with exponential backoff and jitter (the `Retries` middleware) and delayed
messages, which RQ needs extra pieces (rq-scheduler) for.

Requeue semantics (dramatiq/brokers/redis/dispatch.lua): every queue command refreshes the calling process's
heartbeat; `maintenance_chance` out of a million commands also requeue the unacked messages *of that queue*
held by processes whose heartbeat is older than `heartbeat_timeout`. A live worker polls its queue about once a
second (worker_timeout 1 s) while it has a free thread, and its delay-queue consumer polls all the time (so a
worker busy with long syncs still beats); with a 15 s timeout and a 20 % chance a dead worker's sync is back
on the queue in 15 s plus a few polls (under 0.1 % chance of more than 30 polls; measured after SIGKILL:
19–28 s until another worker had completed it).

No import-time side effects: nothing here connects to Redis, and jobs are declared on a broker only when one
is built (`broker_for`), never through `dramatiq.actor`, which would build a global default broker. The
Streamlit server imports this module without needing Redis.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from intel.config import Settings

log = logging.getLogger(__name__)

SYNC_QUEUE = "syncs"
MAX_RETRIES = 5
MIN_BACKOFF_MS = 30_000  # Retries: 30 s, 1 min, 2 min … with jitter, at most MAX_BACKOFF_MS
MAX_BACKOFF_MS = 30 * 60_000
TIME_LIMIT_MS = 60 * 60_000  # a first full sync of a big channel takes minutes; it resumes where it stopped
PENDING_TTL_S = 3600  # a pending-message key outlives a flushed queue by at most this long
REDIS_TIMEOUT_S = 5.0
# Deletes the pending key only when it still names this message (a newer request may have replaced it).
_CLEAR_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


@dataclass(frozen=True)
class Job:
    """A function run as a Dramatiq actor; `pending(*args)` names what may have at most one queued message
    (a profile id), or the job has no such rule."""

    name: str
    fn: Callable[..., Any]
    queue: str = SYNC_QUEUE
    max_retries: int = MAX_RETRIES
    pending: Callable[..., str] | None = None
    min_backoff_ms: int = MIN_BACKOFF_MS

    def pending_key(self, broker: RedisBroker, *args: Any) -> str | None:
        """The Redis key holding the id of this job's queued message for `args` (None: no such rule)."""
        return None if self.pending is None else f"{broker.namespace}:pending:{self.name}:{self.pending(*args)}"


_jobs: dict[str, Job] = {}
_brokers: dict[tuple[str, str, int, int], RedisBroker] = {}
_lock = threading.Lock()


def job(name: str, *, queue: str = SYNC_QUEUE, max_retries: int = MAX_RETRIES,
        pending: Callable[..., str] | None = None, min_backoff_ms: int = MIN_BACKOFF_MS
        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn` as the job `name` (declared on every broker this process builds); returns `fn` unchanged.

    An exception leaving `fn` is retried up to `max_retries` times after exponential backoff with jitter
    (from `min_backoff_ms` to MAX_BACKOFF_MS); then the message goes to the queue's dead-letter set.
    """

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = Job(name, fn, queue, max_retries, pending, min_backoff_ms)
        with _lock:
            _jobs[name] = spec
            for broker in _brokers.values():
                _declare(broker, spec)
        return fn

    return register


def namespace(settings: Settings) -> str:
    """The Redis key namespace of the queues: the cache prefix's (demo mode and other apps never share one)."""
    return f"{settings.cache_prefix}intel-jobs"


def broker_for(settings: Settings) -> RedisBroker:
    """This process's broker for `settings.redis_url` (built once; every registered job declared on it)."""
    if not settings.redis_url:
        raise ValueError("the job queue needs REDIS_URL")
    c = settings.connectors
    key = (settings.redis_url, namespace(settings), c.jobs_heartbeat_s, c.jobs_maintenance_per_million)
    with _lock:
        broker = _brokers.get(key)
        if broker is None:
            broker = _brokers[key] = _build(settings)
            for spec in _jobs.values():
                _declare(broker, spec)
        return broker


def _build(settings: Settings) -> RedisBroker:
    c = settings.connectors
    client = redis.Redis.from_url(str(settings.redis_url), socket_timeout=REDIS_TIMEOUT_S,
                                  socket_connect_timeout=REDIS_TIMEOUT_S, health_check_interval=30)
    # The defaults minus Prometheus (we export our own metrics), plus CurrentMessage for the pending keys.
    middleware = [AgeLimit(), TimeLimit(time_limit=TIME_LIMIT_MS), ShutdownNotifications(), Callbacks(),
                  Pipelines(), Retries(max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS,
                                       max_backoff=MAX_BACKOFF_MS), CurrentMessage()]
    broker = RedisBroker(client=client, namespace=namespace(settings), middleware=middleware,
                         heartbeat_timeout=c.jobs_heartbeat_s * 1000,
                         maintenance_chance=c.jobs_maintenance_per_million)
    log.info("job queue on Redis namespace %r (heartbeat timeout %ss)", broker.namespace, c.jobs_heartbeat_s)
    return broker


def _declare(broker: RedisBroker, spec: Job) -> None:
    if spec.name in broker.actors:
        return

    def run(*args: Any) -> Any:
        key = spec.pending_key(broker, *args)
        message = CurrentMessage.get_current_message()
        if key is not None and message is not None:  # started: the next request may queue a new message
            broker.client.eval(_CLEAR_IF_OURS, 1, key, message.message_id)
        return spec.fn(*args)

    dramatiq.Actor(run, broker=broker, actor_name=spec.name, queue_name=spec.queue, priority=0,
                   options={"max_retries": spec.max_retries, "min_backoff": spec.min_backoff_ms})


def send(settings: Settings, name: str, *args: Any, delay_ms: int | None = None) -> bool:
    """Queue one run of job `name` (after `delay_ms`, if given); False (nothing queued) when its pending key
    says one is queued already.

    Raises redis errors: the caller decides whether a later scheduler pass may queue it instead.
    """
    broker = broker_for(settings)
    actor = broker.get_actor(name)
    message = actor.message(*args)
    spec = _jobs[name]
    key = spec.pending_key(broker, *args)
    if key is not None and not broker.client.set(key, message.message_id, nx=True, ex=PENDING_TTL_S):
        return False
    try:
        broker.enqueue(message, delay=delay_ms)
    except Exception:
        if key is not None:
            broker.client.delete(key)
        raise
    return True


def is_pending(settings: Settings, name: str, *args: Any) -> bool:
    """True while a message of job `name` for `args` is queued and not yet started."""
    broker = broker_for(settings)
    key = _jobs[name].pending_key(broker, *args)
    return key is not None and bool(broker.client.exists(key))


def queue_length(settings: Settings, queue: str = SYNC_QUEUE) -> int:
    """Messages waiting in `queue` (not those a worker holds, nor delayed ones: `delayed`)."""
    broker = broker_for(settings)
    return int(broker.client.llen(f"{broker.namespace}:{queue}"))


def delayed(settings: Settings, queue: str = SYNC_QUEUE) -> int:
    """Messages waiting for their time in `queue`'s delay queue (retries after backoff, deferred syncs)."""
    broker = broker_for(settings)
    return int(broker.client.hlen(f"{broker.namespace}:{queue}.DQ.msgs"))


def dead_letters(settings: Settings, queue: str = SYNC_QUEUE) -> int:
    """Messages of `queue` that failed every retry (kept a week by Dramatiq)."""
    broker = broker_for(settings)
    return int(broker.client.zcard(f"{broker.namespace}:{queue}.XQ"))


def close_all() -> None:
    """Close every broker this process built (tests; the worker at exit)."""
    with _lock:
        brokers = list(_brokers.values())
        _brokers.clear()
    for broker in brokers:
        broker.client.close()
