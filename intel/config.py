"""Typed settings read from the environment, built by a function so tests can override them."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping
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
    # Platform connectors (docs/connectors.md). Secrets may also come from Streamlit's secrets.toml.
    Setting("INTEL_SECRET_KEY", "", "Fernet key(s), comma-separated, newest first, that encrypt platform tokens at "
            "rest (`python -m intel connectors keygen`); unset = the connectors refuse to start and say why."),
    Setting("INTEL_YOUTUBE_API_KEY", "", "YouTube Data API v3 key (public channel data); unset = no YouTube sync."),
    Setting("INTEL_YOUTUBE_API_URL", "https://youtube.googleapis.com/", "Root URL of the YouTube Data API."),
    Setting("INTEL_YOUTUBE_DAILY_QUOTA", "10000", "YouTube quota units per day (the day resets at midnight "
            "Pacific time); syncs pause when it is spent."),
    Setting("INTEL_YOUTUBE_HUB_URL", "https://pubsubhubbub.appspot.com/subscribe", "PubSubHubbub hub that pushes "
            "YouTube upload notifications."),
    Setting("INTEL_YOUTUBE_WEBHOOK_SECRET", "", "`hub.secret` of the YouTube push subscriptions (HMAC of each "
            "notification); unset = YouTube notifications are refused."),
    Setting("INTEL_INSTAGRAM_CLIENT_ID", "", "Instagram app id (Instagram API with Instagram Login)."),
    Setting("INTEL_INSTAGRAM_CLIENT_SECRET", "", "Instagram app secret: OAuth, and the HMAC key of Meta webhooks."),
    Setting("INTEL_INSTAGRAM_API_URL", "https://graph.instagram.com", "Root URL of the Instagram Graph API."),
    Setting("INTEL_INSTAGRAM_AUTH_URL", "https://www.instagram.com/oauth/authorize", "Instagram's authorization "
            "page."),
    Setting("INTEL_INSTAGRAM_TOKEN_URL", "https://api.instagram.com/oauth/access_token", "Instagram's token "
            "endpoint (authorization code to short-lived token)."),
    Setting("INTEL_INSTAGRAM_VERIFY_TOKEN", "", "`hub.verify_token` of the Meta webhook subscription; unset = "
            "the verification request is refused."),
    Setting("INTEL_TIKTOK_CLIENT_KEY", "", "TikTok app client key (Login Kit, Display API v2)."),
    Setting("INTEL_TIKTOK_CLIENT_SECRET", "", "TikTok app client secret."),
    Setting("INTEL_TIKTOK_API_URL", "https://open.tiktokapis.com", "Root URL of TikTok's API (token and Display "
            "API endpoints)."),
    Setting("INTEL_TIKTOK_AUTH_URL", "https://www.tiktok.com/v2/auth/authorize/", "TikTok's authorization page."),
    Setting("INTEL_SYNC_INTERVAL_S", "10800", "Seconds between two syncs of one connected profile (counts, new "
            "posts and their comments)."),
    Setting("INTEL_SYNC_RECOUNT_DAYS", "30", "Posts of the last this many days get their counts updated by each "
            "sync; older posts keep the counts last read."),
    Setting("INTEL_SYNC_WORKER_THREADS", "4", "Sync jobs one `python -m intel worker` runs at once (Dramatiq worker "
            "threads; with REDIS_URL)."),
    Setting("INTEL_JOBS_HEARTBEAT_S", "15", "A worker silent this long counts as dead: its unfinished sync jobs go "
            "back to the queue for another worker."),
    Setting("INTEL_JOBS_MAINTENANCE_PER_MILLION", "200000", "How many queue commands in a million also look for "
            "dead workers' jobs to requeue (Dramatiq's `maintenance_chance`; 200000: about every fifth poll)."),
    # Branding of the media-kit reports (docs/reports.md).
    Setting("INTEL_AGENCY_NAME", "", "Agency name on the cover and footer of talent reports; unset = none."),
    Setting("INTEL_AGENCY_LOGO", "", "Path of a PNG, JPEG or SVG logo for talent reports (embedded as a data: URI); "
            "unset = no logo."),
    Setting("INTEL_REPORT_ACCENT", "#1f4e79", "Accent colour of talent reports, `#rrggbb`."),
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
    connectors: ConnectorSettings = field(default_factory=lambda: ConnectorSettings())
    agency_name: str = ""
    agency_logo: Path | None = None
    report_accent: str = "#1f4e79"

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
        connectors=_connector_settings(source, value),
        agency_name=source.get("INTEL_AGENCY_NAME", "").strip(),
        agency_logo=_logo(source.get("INTEL_AGENCY_LOGO", "").strip()),
        report_accent=_accent(value("INTEL_REPORT_ACCENT")),
    )


@dataclass(frozen=True)
class ConnectorSettings:
    """Credentials and endpoints of the platform connectors; secrets never appear in a repr."""

    secret_keys: tuple[str, ...] = field(default=(), repr=False)
    youtube_api_key: str | None = field(default=None, repr=False)
    youtube_api_url: str = "https://youtube.googleapis.com/"
    youtube_daily_quota: int = 10_000
    youtube_hub_url: str = "https://pubsubhubbub.appspot.com/subscribe"
    youtube_webhook_secret: str | None = field(default=None, repr=False)
    instagram_client_id: str | None = None
    instagram_client_secret: str | None = field(default=None, repr=False)
    instagram_api_url: str = "https://graph.instagram.com"
    instagram_auth_url: str = "https://www.instagram.com/oauth/authorize"
    instagram_token_url: str = "https://api.instagram.com/oauth/access_token"  # noqa: S105 (a URL)
    instagram_verify_token: str | None = field(default=None, repr=False)
    tiktok_client_key: str | None = None
    tiktok_client_secret: str | None = field(default=None, repr=False)
    tiktok_api_url: str = "https://open.tiktokapis.com"
    tiktok_auth_url: str = "https://www.tiktok.com/v2/auth/authorize/"
    sync_interval_s: int = 10_800
    sync_recount_days: int = 30
    sync_worker_threads: int = 4
    jobs_heartbeat_s: int = 15
    jobs_maintenance_per_million: int = 200_000

    def replace(self, **changes: object) -> ConnectorSettings:
        """A copy with some fields changed (tests point the URLs at local servers)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return ConnectorSettings(**values)


def _connector_settings(source: Mapping[str, str], value: Callable[[str], str]) -> ConnectorSettings:
    secrets = _streamlit_secrets() if source is os.environ else {}

    def secret(name: str) -> str | None:
        return source.get(name, "").strip() or secrets.get(name, "").strip() or None

    return ConnectorSettings(
        secret_keys=tuple(k.strip() for k in (secret("INTEL_SECRET_KEY") or "").split(",") if k.strip()),
        youtube_api_key=secret("INTEL_YOUTUBE_API_KEY"),
        youtube_api_url=_http_url(value("INTEL_YOUTUBE_API_URL"), "INTEL_YOUTUBE_API_URL"),
        youtube_daily_quota=_positive_int(value("INTEL_YOUTUBE_DAILY_QUOTA"), "INTEL_YOUTUBE_DAILY_QUOTA"),
        youtube_hub_url=_http_url(value("INTEL_YOUTUBE_HUB_URL"), "INTEL_YOUTUBE_HUB_URL"),
        youtube_webhook_secret=secret("INTEL_YOUTUBE_WEBHOOK_SECRET"),
        instagram_client_id=secret("INTEL_INSTAGRAM_CLIENT_ID"),
        instagram_client_secret=secret("INTEL_INSTAGRAM_CLIENT_SECRET"),
        instagram_api_url=_http_url(value("INTEL_INSTAGRAM_API_URL"), "INTEL_INSTAGRAM_API_URL"),
        instagram_auth_url=_http_url(value("INTEL_INSTAGRAM_AUTH_URL"), "INTEL_INSTAGRAM_AUTH_URL"),
        instagram_token_url=_http_url(value("INTEL_INSTAGRAM_TOKEN_URL"), "INTEL_INSTAGRAM_TOKEN_URL"),
        instagram_verify_token=secret("INTEL_INSTAGRAM_VERIFY_TOKEN"),
        tiktok_client_key=secret("INTEL_TIKTOK_CLIENT_KEY"),
        tiktok_client_secret=secret("INTEL_TIKTOK_CLIENT_SECRET"),
        tiktok_api_url=_http_url(value("INTEL_TIKTOK_API_URL"), "INTEL_TIKTOK_API_URL"),
        tiktok_auth_url=_http_url(value("INTEL_TIKTOK_AUTH_URL"), "INTEL_TIKTOK_AUTH_URL"),
        sync_interval_s=_positive_int(value("INTEL_SYNC_INTERVAL_S"), "INTEL_SYNC_INTERVAL_S"),
        sync_recount_days=_positive_int(value("INTEL_SYNC_RECOUNT_DAYS"), "INTEL_SYNC_RECOUNT_DAYS"),
        sync_worker_threads=_positive_int(value("INTEL_SYNC_WORKER_THREADS"), "INTEL_SYNC_WORKER_THREADS"),
        jobs_heartbeat_s=_positive_int(value("INTEL_JOBS_HEARTBEAT_S"), "INTEL_JOBS_HEARTBEAT_S"),
        jobs_maintenance_per_million=_per_million(value("INTEL_JOBS_MAINTENANCE_PER_MILLION"),
                                                  "INTEL_JOBS_MAINTENANCE_PER_MILLION"),
    )


def _streamlit_secrets() -> dict[str, str]:
    """Top-level string values of Streamlit's secrets.toml (project, then user folder); {} when absent.

    Read with tomllib rather than `st.secrets`: this package never imports streamlit, and the worker and
    the CLI run without it. Environment variables win over the file.
    """
    found: dict[str, str] = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", PROJECT_ROOT / ".streamlit" / "secrets.toml"):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        found.update({k: v for k, v in data.items() if isinstance(v, str)})
    return found


def _http_url(raw: str, name: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ConfigError(f"{name} must be an http(s) URL, got {raw!r}")
    return raw


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


def _logo(raw: str) -> Path | None:
    if not raw:
        return None
    path = PROJECT_ROOT / raw  # an absolute path replaces the root
    if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".svg"}:
        raise ConfigError(f"INTEL_AGENCY_LOGO must be a .png, .jpg or .svg file, got {raw!r}")
    return path


def _accent(raw: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", raw):
        raise ConfigError(f"INTEL_REPORT_ACCENT must be a colour like #1f4e79, got {raw!r}")
    return raw.lower()


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


def _per_million(raw: str, name: str) -> int:
    number = _positive_int(raw, name)
    if number > 1_000_000:
        raise ConfigError(f"{name} is a count out of a million, got {number}")
    return number


def _bool(raw: str, name: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
