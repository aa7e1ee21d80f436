"""IANA time zone names: the picker's list, canonical spelling, and the INTEL_TIMEZONE parser."""

from __future__ import annotations

import zoneinfo
from functools import cache

from intel.errors import ConfigError


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



def timezone(raw: str) -> str:
    """The IANA zone INTEL_TIMEZONE names, canonically spelled."""
    zone = canonical_timezone(raw)
    if zone is None:
        raise ConfigError(f"INTEL_TIMEZONE must be an IANA time zone like Europe/Lisbon or UTC, got {raw!r}")
    return zone
