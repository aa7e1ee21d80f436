"""The campaign import kinds: `campaigns` (one row per campaign and talent, with the talent's fee and the
campaign's tracking rules) and `deliverables` (one row per deliverable). Campaign dates and due dates are plain
calendar days (in the agency's zone), future ones included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from intel.campaigns.money import currency_code
from intel.db.campaigns import CAMPAIGN_STATUSES
from intel.db.models import MEDIA_TYPES, PLATFORMS
from intel.ingest.parse import CellError, Column, KindSpec, choice, count, long_text, string

MAX_FEE = Decimal("1e12")


def calendar_day(text: str) -> date:
    """A day as YYYY-MM-DD (past or future: campaigns are planned ahead)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CellError("not a date (use YYYY-MM-DD)") from None


def amount(text: str) -> Decimal:
    """A fee: a non-negative decimal amount of the campaign's currency, like 4500 or 4500.00."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise CellError("not an amount (use digits and a decimal point, like 4500.00)") from None
    if not value.is_finite() or value < 0 or value >= MAX_FEE:
        raise CellError("a fee is a non-negative amount")
    return value


def currency(text: str) -> str:
    """A three-letter ISO 4217 code, upper-cased."""
    value = currency_code(text)
    if value is None:
        raise CellError("a currency is a three-letter code like EUR")
    return value


_CAMPAIGN_KEY = (
    Column("brand", string(200), required=True, help="the brand paying"),
    Column("name", string(200), required=True, help="the campaign's name; brand + name + starts_on identify it"),
    Column("starts_on", calendar_day, required=True, help="YYYY-MM-DD, a day in the agency's time zone"),
)
_TALENT = Column("talent_handle", string(100), required=True, help="primary_handle of an imported talent")

CAMPAIGNS = KindSpec("campaigns", (
    *_CAMPAIGN_KEY,
    Column("ends_on", calendar_day, required=True, help="YYYY-MM-DD, not before starts_on"),
    _TALENT,
    # Empty campaign-level cells keep what is stored (a new campaign: planned, EUR, no notes), so the rows of one
    # campaign need not repeat them; when its rows disagree, the last row wins.
    Column("status", choice(CAMPAIGN_STATUSES, "status"), default=None, help=" / ".join(CAMPAIGN_STATUSES)
           + " (empty: kept; a new campaign is planned)"),
    Column("currency", currency, default=None, help="ISO 4217, e.g. EUR (empty: kept; a new campaign: EUR)"),
    Column("fee", amount, default=None, help="this talent's fee, e.g. 4500.00 (empty: not recorded)"),
    Column("rules", string(2000), default="", help="tracking rules separated by ';': #hashtag, @mention, "
                                                   "code:PROMO, url:brand.example/offer, post:POST_ID"),
    Column("notes", long_text, default=None, keep_space=True, help="(empty: kept)"),
), key=("brand", "name", "starts_on", "talent_handle"))

DELIVERABLES = KindSpec("deliverables", (
    *_CAMPAIGN_KEY,
    _TALENT,
    Column("platform", choice(PLATFORMS, "platform"), required=True, help=" / ".join(PLATFORMS)),
    Column("media_type", choice(MEDIA_TYPES, "media type"), required=True, help=" / ".join(MEDIA_TYPES)),
    Column("count", count(100), default=1, help="posts owed, 1–100"),
    Column("due_on", calendar_day, required=True, help="YYYY-MM-DD, a day in the agency's time zone"),
), key=("brand", "name", "starts_on", "talent_handle", "platform", "media_type", "due_on"))
