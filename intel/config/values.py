"""Parsers of single setting values: each returns the typed value or raises ConfigError naming the variable."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from intel.config.table import MIN_METRICS_TOKEN
from intel.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def http_url(raw: str, name: str) -> str:
    """An http(s) URL with a host, as given."""
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ConfigError(f"{name} must be an http(s) URL, got {raw!r}")
    return raw


def logo(raw: str) -> Path | None:
    """The logo's path (relative to the project root), or None when unset."""
    if not raw:
        return None
    path = PROJECT_ROOT / raw  # an absolute path replaces the root
    if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".svg"}:
        raise ConfigError(f"INTEL_AGENCY_LOGO must be a .png, .jpg or .svg file, got {raw!r}")
    return path


def accent(raw: str) -> str:
    """A `#rrggbb` colour, lower-cased."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", raw):
        raise ConfigError(f"INTEL_REPORT_ACCENT must be a colour like #1f4e79, got {raw!r}")
    return raw.lower()


def database_url(raw: str, name: str) -> str:
    """An sqlite:// or postgresql:// URL; relative SQLite paths anchored at the project root."""
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


def redis_url(raw: str) -> str | None:
    """A redis://, rediss:// or unix:// URL, or None when unset (embedded store)."""
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in {"redis", "rediss", "unix"} or not (parsed.hostname or parsed.path):
        raise ConfigError(f"REDIS_URL must look like redis://host:6379/0, got {raw!r}")
    return raw


def public_url(raw: str) -> str | None:
    """The origin (`scheme://host[:port]`) of the configured public URL, or None when unset."""
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.path not in {"", "/"} \
            or parsed.query or parsed.fragment or parsed.username:
        raise ConfigError(f"INTEL_PUBLIC_URL must look like https://intel.agency.example, got {raw!r}")
    return f"{parsed.scheme}://{parsed.netloc.lower()}"


def metrics_token(raw: str) -> str | None:
    """The scrape token, or None (no /metrics); a short one is refused, as a guessable secret."""
    if not raw:
        return None
    if len(raw) < MIN_METRICS_TOKEN:
        raise ConfigError(f"INTEL_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters "
                          "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    return raw


def networks(raw: str, name: str) -> tuple[IPNetwork, ...]:
    """The addresses or CIDRs of a comma-separated list."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"{name} must list addresses or CIDRs like 10.0.0.5,10.1.0.0/16, got {raw!r}") from None


def role_intervals(raw: str) -> dict[str, int]:
    """Per-role seconds from `role=seconds,…`."""
    result: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        role, sep, seconds = part.partition("=")
        if not sep or role.strip() not in {"agent", "manager", "admin"}:
            raise ConfigError(f"INTEL_REFRESH_ROLE_INTERVALS must look like admin=600,manager=1800, got {raw!r}")
        result[role.strip()] = positive_int(seconds.strip(), "INTEL_REFRESH_ROLE_INTERVALS")
    return result


def positive_int(raw: str, name: str) -> int:
    """A whole number above zero."""
    try:
        number = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {number}")
    return number


def per_million(raw: str, name: str) -> int:
    """A count out of a million (1 to 1,000,000)."""
    number = positive_int(raw, name)
    if number > 1_000_000:
        raise ConfigError(f"{name} is a count out of a million, got {number}")
    return number


def parse_bool(raw: str, name: str) -> bool:
    """True for 1/true/yes/on, False for 0/false/no/off."""
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


def emv_rates(raw: str) -> dict[str, float]:
    """Per-platform rates from `platform=amount,…` (instagram, tiktok, youtube; amounts above zero)."""
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        platform, sep, amount = part.partition("=")
        try:
            value = float(amount)
        except ValueError:
            value = -1.0
        if not sep or platform.strip().lower() not in {"instagram", "tiktok", "youtube"} or value <= 0:
            raise ConfigError(f"INTEL_EMV_RATES must look like instagram=8,tiktok=5,youtube=12, got {raw!r}")
        rates[platform.strip().lower()] = value
    return rates


def currency(raw: str, name: str) -> str:
    """A three-letter ISO 4217 code, upper-cased."""
    if not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise ConfigError(f"{name} must be a three-letter currency code like EUR, got {raw!r}")
    return raw.upper()
