"""Fees as whole minor units of their currency, so no float ever rounds money (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 currencies without minor units: a fee of 500000 JPY is stored as 500000, not 5000.00.
ZERO_DECIMAL = frozenset({"JPY", "KRW", "CLP", "ISK", "VND", "UGX", "PYG", "XAF", "XOF"})


def to_minor(amount: Decimal | float | None, currency: str) -> int | None:
    """An amount of the currency as whole minor units (cents; yen stay yen), rounded half up."""
    if amount is None:
        return None
    step = 1 if currency.upper() in ZERO_DECIMAL else 100
    return int((Decimal(str(amount)) * step).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(minor: int | None, currency: str) -> float | None:
    """A fee in minor units as an amount of the currency (None stays None)."""
    if minor is None:
        return None
    return float(minor) if currency.upper() in ZERO_DECIMAL else minor / 100


def currency_code(raw: str) -> str | None:
    """The ISO 4217-shaped code `raw` names (three ASCII letters, upper-cased), or None."""
    value = raw.strip().upper()
    return value if len(value) == 3 and value.isascii() and value.isalpha() else None
