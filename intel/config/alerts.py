"""Settings of the alerts and digests: rule thresholds, the SMTP relay, retry waits and the digest time."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

from intel.config import values as parse
from intel.config.connectors import streamlit_secrets
from intel.errors import ConfigError

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
FOLLOWER_WINDOWS = (7, 30, 90)


@dataclass(frozen=True)
class RuleThresholds:
    """The default threshold of each rule; a manager may replace one per talent (`AlertThreshold`)."""

    follower_drop_pct: float = 2.0
    follower_drop_days: int = 7
    engagement_ratio: float = 0.5
    negative_ratio: float = 1.5
    spam_points: float = 15.0
    sync_failures: int = 3


@dataclass(frozen=True)
class AlertSettings:
    """Alert thresholds and delivery settings; the SMTP password never appears in a repr."""

    rules: RuleThresholds = field(default_factory=RuleThresholds)
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = True
    smtp_from: str | None = None
    smtp_ca_file: str | None = None  # a private CA's bundle to verify the relay's certificate; unset = system CAs
    retry_s: tuple[int, ...] = (60, 300, 1800, 7200)
    digest_weekday: int = 0  # Monday
    digest_minute: int = 8 * 60  # minutes after midnight in INTEL_TIMEZONE

    def replace(self, **changes: object) -> AlertSettings:
        """A copy with some fields changed (tests point SMTP at a local server)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return AlertSettings(**values)


def alert_settings(source: Mapping[str, str], value: Callable[[str], str]) -> AlertSettings:
    """The alert settings from `source`; the SMTP password falls back to Streamlit's secrets.toml."""
    secrets = streamlit_secrets() if source is os.environ else {}
    weekday, minute = digest_at(value("INTEL_DIGEST_AT"))
    return AlertSettings(
        rules=RuleThresholds(
            follower_drop_pct=positive_float(value("INTEL_ALERT_FOLLOWER_DROP_PCT"), "INTEL_ALERT_FOLLOWER_DROP_PCT"),
            follower_drop_days=follower_window(value("INTEL_ALERT_FOLLOWER_DROP_DAYS")),
            engagement_ratio=fraction(value("INTEL_ALERT_ENGAGEMENT_RATIO"), "INTEL_ALERT_ENGAGEMENT_RATIO"),
            negative_ratio=positive_float(value("INTEL_ALERT_NEGATIVE_RATIO"), "INTEL_ALERT_NEGATIVE_RATIO"),
            spam_points=positive_float(value("INTEL_ALERT_SPAM_POINTS"), "INTEL_ALERT_SPAM_POINTS"),
            sync_failures=parse.positive_int(value("INTEL_ALERT_SYNC_FAILURES"), "INTEL_ALERT_SYNC_FAILURES"),
        ),
        smtp_host=source.get("INTEL_SMTP_HOST", "").strip() or None,
        smtp_port=parse.positive_int(value("INTEL_SMTP_PORT"), "INTEL_SMTP_PORT"),
        smtp_username=source.get("INTEL_SMTP_USERNAME", "").strip() or None,
        smtp_password=(source.get("INTEL_SMTP_PASSWORD", "").strip()
                       or secrets.get("INTEL_SMTP_PASSWORD", "").strip() or None),
        smtp_starttls=parse.parse_bool(value("INTEL_SMTP_STARTTLS"), "INTEL_SMTP_STARTTLS"),
        smtp_from=source.get("INTEL_SMTP_FROM", "").strip() or None,
        smtp_ca_file=source.get("INTEL_SMTP_CA_FILE", "").strip() or None,
        retry_s=retry_waits(value("INTEL_ALERT_RETRY_S")),
        digest_weekday=weekday,
        digest_minute=minute,
    )


def positive_float(raw: str, name: str) -> float:
    """A number above 0, or ConfigError naming the variable."""
    try:
        number = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from None
    if not number > 0:
        raise ConfigError(f"{name} must be above 0, got {raw!r}.")
    return number


def fraction(raw: str, name: str) -> float:
    """A number in (0, 1), or ConfigError."""
    number = positive_float(raw, name)
    if number >= 1:
        raise ConfigError(f"{name} must be below 1 (a fraction such as 0.5), got {raw!r}.")
    return number


def follower_window(raw: str) -> int:
    """7, 30 or 90: the windows the overview computes growth for."""
    days = parse.positive_int(raw, "INTEL_ALERT_FOLLOWER_DROP_DAYS")
    if days not in FOLLOWER_WINDOWS:
        raise ConfigError(f"INTEL_ALERT_FOLLOWER_DROP_DAYS must be 7, 30 or 90, got {raw!r}.")
    return days


def retry_waits(raw: str) -> tuple[int, ...]:
    """Comma-separated positive seconds, e.g. `60,300,1800`."""
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts:
        raise ConfigError("INTEL_ALERT_RETRY_S must list at least one wait in seconds, e.g. `60,300`.")
    return tuple(parse.positive_int(p, "INTEL_ALERT_RETRY_S") for p in parts)


def digest_at(raw: str) -> tuple[int, int]:
    """`MON 08:00` -> (weekday 0–6, minutes after midnight)."""
    day, _, clock = raw.strip().upper().partition(" ")
    hours, _, minutes = clock.strip().partition(":")
    if day not in WEEKDAYS or not (hours.isdigit() and minutes.isdigit()):
        raise ConfigError(f"INTEL_DIGEST_AT must look like `MON 08:00`, got {raw!r}.")
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise ConfigError(f"INTEL_DIGEST_AT has no such time: {raw!r}.")
    return WEEKDAYS.index(day), h * 60 + m
