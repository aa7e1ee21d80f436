"""Typed settings read from the environment, built by a function so tests can override them."""

from __future__ import annotations

import ipaddress
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from intel.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Setting:
    """One documented environment variable."""

    env: str
    default: str
    help: str


# The one declared table of settings; the README's configuration table mirrors it (a test checks).
SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "sqlite:///data/intel.db", "SQLAlchemy URL of the database."),
    Setting("REDIS_URL", "", "Redis URL (`redis://host:6379/0`); unset = embedded in-process store."),
    Setting("INTEL_DEMO", "0", "`1` runs the whole app on the separate demo database."),
    Setting("INTEL_DEMO_DATABASE_URL", "sqlite:///data/demo.db", "Database used in demo mode."),
    Setting("INTEL_CACHE_TTL_REAL", "43200", "Cache TTL in seconds for results from real data."),
    Setting("INTEL_CACHE_TTL_DEMO", "21600", "Cache TTL in seconds for results from demo data."),
    Setting("INTEL_SMART_TTL", "0", "`1` shortens the real-data TTL for talents that post often or changed recently."),
    Setting("INTEL_SMART_TTL_MIN", "7200", "Smallest TTL in seconds the smart rule may choose."),
    Setting("INTEL_WORKER_INTERVAL_S", "30", "Seconds between two passes of `python -m intel worker`."),
    Setting("INTEL_REFRESH_AHEAD_S", "1800", "The worker recomputes entries with less than this many seconds left."),
    Setting("INTEL_REFRESH_INTERVAL", "3600", "Seconds between manual refreshes of one talent."),
    Setting("INTEL_REFRESH_ROLE_INTERVALS", "", "Per-role refresh intervals, e.g. `admin=600,manager=1800`."),
    Setting("INTEL_REDIS_TIMEOUT_MS", "100", "Connect and read timeout for Redis calls."),
    Setting("INTEL_REDIS_COOLDOWN_S", "5", "After a Redis failure, skip Redis this long before probing again."),
    Setting("INTEL_CACHE_PREFIX", "", "Prefix of every cache and limiter key (several apps on one Redis)."),
    Setting("INTEL_SESSION_HOURS", "12", "Lifetime of a sign-in session in hours."),
    Setting("INTEL_LOG_LEVEL", "INFO", "Logging level of the `intel` package."),
    Setting("INTEL_TIMEZONE", "UTC", "IANA time zone (`Europe/Lisbon`) of the best-time-to-post table for talents "
            "without their own zone."),
    Setting("INTEL_PUBLIC_URL", "", "The URL browsers use (`https://intel.agency.example`); sign-in forms accept only "
            "POSTs from this origin. Unset = the request's own scheme and Host."),
    Setting("INTEL_TRUSTED_PROXIES", "", "Addresses or CIDRs of reverse proxies whose `X-Forwarded-For` is believed."),
    Setting("INTEL_STATIC_DIR", "data/static", "Where `python -m intel static build` puts the compressed copy of "
            "Streamlit's front-end bundles that the server sends (relative paths: from the project folder)."),
    Setting("INTEL_METRICS_TOKEN", "", "Bearer token Prometheus sends to `/metrics` (at least 16 characters); "
            "unset = `/metrics` answers 404."),
    # Read by prometheus_client itself when intel.metrics is first imported, so it is not a Settings field.
    Setting("PROMETHEUS_MULTIPROC_DIR", "", "Directory where every process of one host writes its metrics, so "
            "`/metrics` adds them up; unset = this process only."),
)
MIN_METRICS_TOKEN = 16

_DEFAULTS = {s.env: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one process."""

    database_url: str
    redis_url: str | None
    demo_mode: bool
    cache_ttl_real: int
    cache_ttl_demo: int
    smart_ttl_floor: int | None
    worker_interval_s: int
    refresh_ahead_s: int
    refresh_interval: int
    refresh_role_intervals: dict[str, int]
    redis_timeout_ms: int
    redis_cooldown_s: int
    cache_prefix: str
    session_hours: int
    log_level: str
    public_url: str | None = None
    trusted_proxies: tuple[IPNetwork, ...] = ()
    static_dir: Path = PROJECT_ROOT / "data" / "static"
    metrics_token: str | None = field(default=None, repr=False)  # a secret: never in logs
    timezone: str = "UTC"  # the IANA zone of talents without their own (Talent.timezone NULL)

    def replace(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (for tests and the CLI)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: the process environment); raise ConfigError on bad values."""
    source = os.environ if env is None else env

    def value(name: str) -> str:
        return source.get(name, "").strip() or _DEFAULTS[name]

    demo_mode = _bool(value("INTEL_DEMO"), "INTEL_DEMO")
    db_name = "INTEL_DEMO_DATABASE_URL" if demo_mode else "DATABASE_URL"
    return Settings(
        database_url=_database_url(value(db_name), db_name),
        redis_url=_redis_url(source.get("REDIS_URL", "").strip()),
        demo_mode=demo_mode,
        cache_ttl_real=_positive_int(value("INTEL_CACHE_TTL_REAL"), "INTEL_CACHE_TTL_REAL"),
        cache_ttl_demo=_positive_int(value("INTEL_CACHE_TTL_DEMO"), "INTEL_CACHE_TTL_DEMO"),
        smart_ttl_floor=(_positive_int(value("INTEL_SMART_TTL_MIN"), "INTEL_SMART_TTL_MIN")
                         if _bool(value("INTEL_SMART_TTL"), "INTEL_SMART_TTL") else None),
        worker_interval_s=_positive_int(value("INTEL_WORKER_INTERVAL_S"), "INTEL_WORKER_INTERVAL_S"),
        refresh_ahead_s=_positive_int(value("INTEL_REFRESH_AHEAD_S"), "INTEL_REFRESH_AHEAD_S"),
        refresh_interval=_positive_int(value("INTEL_REFRESH_INTERVAL"), "INTEL_REFRESH_INTERVAL"),
        refresh_role_intervals=_role_intervals(source.get("INTEL_REFRESH_ROLE_INTERVALS", "")),
        redis_timeout_ms=_positive_int(value("INTEL_REDIS_TIMEOUT_MS"), "INTEL_REDIS_TIMEOUT_MS"),
        redis_cooldown_s=_positive_int(value("INTEL_REDIS_COOLDOWN_S"), "INTEL_REDIS_COOLDOWN_S"),
        # Demo mode gets its own namespace so a shared Redis never mixes demo and real entries.
        cache_prefix=source.get("INTEL_CACHE_PREFIX", "").strip() + ("demo:" if demo_mode else ""),
        session_hours=_positive_int(value("INTEL_SESSION_HOURS"), "INTEL_SESSION_HOURS"),
        log_level=value("INTEL_LOG_LEVEL").upper(),
        public_url=_public_url(source.get("INTEL_PUBLIC_URL", "").strip()),
        trusted_proxies=_networks(source.get("INTEL_TRUSTED_PROXIES", ""), "INTEL_TRUSTED_PROXIES"),
        static_dir=PROJECT_ROOT / value("INTEL_STATIC_DIR"),  # an absolute path replaces the root
        metrics_token=_metrics_token(source.get("INTEL_METRICS_TOKEN", "").strip()),
        timezone=_timezone(value("INTEL_TIMEZONE")),
    )


@cache
def _zones() -> dict[str, str]:
    """Every IANA zone name the tz database knows, by its lower-case form."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def timezone_names() -> list[str]:
    """The IANA zone names, sorted (for pickers)."""
    return sorted(_zones().values())


def canonical_timezone(raw: str) -> str | None:
    """The IANA zone `raw` names, as the tz database spells it (any case, spaces trimmed); None if unknown."""
    return _zones().get(raw.strip().lower())


def _timezone(raw: str) -> str:
    zone = canonical_timezone(raw)
    if zone is None:
        raise ConfigError(f"INTEL_TIMEZONE must be an IANA time zone like Europe/Lisbon or UTC, got {raw!r}")
    return zone


def _database_url(raw: str, name: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"{name} is not a valid database URL: {raw!r}") from None
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(f"{name} must be an sqlite:// or postgresql:// URL, got {url.drivername!r}")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # Relative SQLite paths are anchored at the project root, whatever the working directory.
        path = Path(url.database)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        url = url.set(database=str(path))
    return url.render_as_string(hide_password=False)


def _redis_url(raw: str) -> str | None:
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in {"redis", "rediss", "unix"} or not (parsed.hostname or parsed.path):
        raise ConfigError(f"REDIS_URL must look like redis://host:6379/0, got {raw!r}")
    return raw


def _public_url(raw: str) -> str | None:
    """The origin (`scheme://host[:port]`) of the configured public URL, or None when unset."""
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.path not in {"", "/"} \
            or parsed.query or parsed.fragment or parsed.username:
        raise ConfigError(f"INTEL_PUBLIC_URL must look like https://intel.agency.example, got {raw!r}")
    return f"{parsed.scheme}://{parsed.netloc.lower()}"


def _metrics_token(raw: str) -> str | None:
    """The scrape token, or None (no /metrics); a short one is refused, as a guessable secret."""
    if not raw:
        return None
    if len(raw) < MIN_METRICS_TOKEN:
        raise ConfigError(f"INTEL_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters "
                          "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    return raw


def _networks(raw: str, name: str) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"{name} must list addresses or CIDRs like 10.0.0.5,10.1.0.0/16, got {raw!r}") from None


def _role_intervals(raw: str) -> dict[str, int]:
    result: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        role, sep, seconds = part.partition("=")
        if not sep or role.strip() not in {"agent", "manager", "admin"}:
            raise ConfigError(f"INTEL_REFRESH_ROLE_INTERVALS must look like admin=600,manager=1800, got {raw!r}")
        result[role.strip()] = _positive_int(seconds.strip(), "INTEL_REFRESH_ROLE_INTERVALS")
    return result


def _positive_int(raw: str, name: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {number}")
    return number


def _bool(raw: str, name: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
