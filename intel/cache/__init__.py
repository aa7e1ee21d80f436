"""Serving results fast and safely: stores (Redis and embedded, `store`), the circuit breaker (`breaker`), cache
entries, keys and the per-process decoded values (`entries`), the cache-aside provider with single-flight and
stale serving (`provider`), the refresh rate limit (`ratelimit`), the refresh queue's store mechanics
(`refresh_queue`), TTL rules (`ttl`), counters (`stats`) and the refresh-ahead worker (`worker`).

May import `intel.analytics`, `intel.db`, `intel.metrics`, `intel.config` and `intel.errors`.
"""
