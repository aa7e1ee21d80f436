"""Typed settings of one process, built by a function from the environment so tests can override them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from intel.config import values as parse
from intel.config import zones
from intel.config.alerts import AlertSettings, alert_settings
from intel.config.connectors import ConnectorSettings, connector_settings
from intel.config.table import DEFAULTS
from intel.config.values import PROJECT_ROOT, IPNetwork


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
    emv_rates: dict[str, float] = field(default_factory=dict)
    emv_currency: str = "EUR"
    alerts: AlertSettings = field(default_factory=lambda: AlertSettings())

    def replace(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (for tests and the CLI)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: the process environment); raise ConfigError on bad values."""
    source = os.environ if env is None else env

    def value(name: str) -> str:
        return source.get(name, "").strip() or DEFAULTS[name]

    demo_mode = parse.parse_bool(value("INTEL_DEMO"), "INTEL_DEMO")
    db_name = "INTEL_DEMO_DATABASE_URL" if demo_mode else "DATABASE_URL"
    return Settings(
        database_url=parse.database_url(value(db_name), db_name),
        redis_url=parse.redis_url(source.get("REDIS_URL", "").strip()),
        demo_mode=demo_mode,
        cache_ttl_real=parse.positive_int(value("INTEL_CACHE_TTL_REAL"), "INTEL_CACHE_TTL_REAL"),
        cache_ttl_demo=parse.positive_int(value("INTEL_CACHE_TTL_DEMO"), "INTEL_CACHE_TTL_DEMO"),
        smart_ttl_floor=(parse.positive_int(value("INTEL_SMART_TTL_MIN"), "INTEL_SMART_TTL_MIN")
                         if parse.parse_bool(value("INTEL_SMART_TTL"), "INTEL_SMART_TTL") else None),
        worker_interval_s=parse.positive_int(value("INTEL_WORKER_INTERVAL_S"), "INTEL_WORKER_INTERVAL_S"),
        refresh_ahead_s=parse.positive_int(value("INTEL_REFRESH_AHEAD_S"), "INTEL_REFRESH_AHEAD_S"),
        refresh_interval=parse.positive_int(value("INTEL_REFRESH_INTERVAL"), "INTEL_REFRESH_INTERVAL"),
        refresh_role_intervals=parse.role_intervals(source.get("INTEL_REFRESH_ROLE_INTERVALS", "")),
        redis_timeout_ms=parse.positive_int(value("INTEL_REDIS_TIMEOUT_MS"), "INTEL_REDIS_TIMEOUT_MS"),
        redis_cooldown_s=parse.positive_int(value("INTEL_REDIS_COOLDOWN_S"), "INTEL_REDIS_COOLDOWN_S"),
        # Demo mode gets its own namespace so a shared Redis never mixes demo and real entries.
        cache_prefix=source.get("INTEL_CACHE_PREFIX", "").strip() + ("demo:" if demo_mode else ""),
        session_hours=parse.positive_int(value("INTEL_SESSION_HOURS"), "INTEL_SESSION_HOURS"),
        log_level=value("INTEL_LOG_LEVEL").upper(),
        public_url=parse.public_url(source.get("INTEL_PUBLIC_URL", "").strip()),
        trusted_proxies=parse.networks(source.get("INTEL_TRUSTED_PROXIES", ""), "INTEL_TRUSTED_PROXIES"),
        static_dir=PROJECT_ROOT / value("INTEL_STATIC_DIR"),  # an absolute path replaces the root
        metrics_token=parse.metrics_token(source.get("INTEL_METRICS_TOKEN", "").strip()),
        timezone=zones.timezone(value("INTEL_TIMEZONE")),
        connectors=connector_settings(source, value),
        agency_name=source.get("INTEL_AGENCY_NAME", "").strip(),
        agency_logo=parse.logo(source.get("INTEL_AGENCY_LOGO", "").strip()),
        report_accent=parse.accent(value("INTEL_REPORT_ACCENT")),
        emv_rates=parse.emv_rates(source.get("INTEL_EMV_RATES", "")),
        emv_currency=parse.currency(value("INTEL_EMV_CURRENCY"), "INTEL_EMV_CURRENCY"),
        alerts=alert_settings(source, value),
    )
