"""The talent page's period: all data (the default) or a window whose figures the page and its report show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import streamlit as st

from intel.accounts.auth import Identity
from intel.analytics.window import Window, parse_window
from intel.cache.provider import Served
from intel.errors import IntelError
from intel.service import talents as service
from intel.service.reports import period_label
from intel.views.text import plain

PERIODS = {"all": "All data", "30d": "Last 30 days", "90d": "Last 90 days", "365d": "Last 365 days",
           "custom": "Custom range"}
CUSTOM_DAYS = 90  # the custom range's first suggestion: the last 90 days


@dataclass(frozen=True)
class PagePeriod:
    """The period chosen: `text` as the report takes it ("90d", "2026-01-01..2026-03-31"; None: all data)."""

    text: str | None
    window: Window | None


def period_picker(key: str = "period") -> PagePeriod:
    """The period selector (with two dates for a custom range); a range that is no period → a plain error, stop."""
    choice = st.selectbox("Period", list(PERIODS), format_func=PERIODS.__getitem__, key=key)
    if choice == "all":
        return PagePeriod(None, None)
    today = datetime.now(UTC).date()
    text = choice if choice != "custom" else _custom_range(today, key)
    try:
        return PagePeriod(text, parse_window(text, today))
    except IntelError as exc:
        st.error(plain(str(exc)))
        st.stop()
        raise  # st.stop raises; this line only tells the type checker so


def _custom_range(today: date, key: str) -> str:
    start, end = st.columns(2)
    first = start.date_input("From", today - timedelta(days=CUSTOM_DAYS - 1), key=f"{key}_from", format="YYYY-MM-DD")
    last = end.date_input("To", today, key=f"{key}_to", format="YYYY-MM-DD")
    return f"{first.isoformat()}..{last.isoformat()}"


def serve(identity: Identity, talent_id: int, period: PagePeriod) -> Served:
    """The talent's figures for the period: all data as before, else the window's (cached per data generation)."""
    if period.window is None:
        return service.serve_for(identity, talent_id)
    return service.serve_window_for(identity, talent_id, period.window)


def caption(served: Served, period: PagePeriod) -> str:
    """The period in words, as the report names it."""
    return f"Period: {period_label(served.intel, period.window)}"
