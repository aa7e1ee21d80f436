"""The one Streamlit-side module: page chrome, pickers, the refresh button, errors as plain messages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from intel import service
from intel.config import ConfigError, get_settings
from intel.errors import DatabaseUnavailable, IntelError, TalentNotFound
from intel.service import RefreshOutcome

log = logging.getLogger("intel.ui")
DEMO_BANNER = "Demo Data — Not Real Analytics"
TALENT_PAGE = "pages/talent.py"
TOAST_ICONS = {"refreshed": "✅", "rate_limited": "⏳", "failed": "❌"}


def page_start() -> None:
    """First call of every page: check configuration, show the demo-mode banner and any queued toast."""
    try:
        settings = get_settings()
    except ConfigError as exc:
        st.error(f"Configuration error: {exc}")
        st.stop()
    if settings.demo_mode:
        st.warning("Demo mode: every figure in this app comes from generated data — not real analytics.",
                   icon="🎭")
    show_pending_toast()


@contextmanager
def shown_errors() -> Iterator[None]:
    """Run a block; an IntelError becomes st.error with its plain message, then the page stops."""
    try:
        yield
    except IntelError as exc:
        st.error(str(exc))
        st.stop()


def current_actor() -> str:
    """Who is using the dashboard, for the audit log."""
    return "dashboard"


def talent_picker() -> int:
    """The talent of the page: `?talent=ID` deep link or the picker; keeps both in step."""
    wanted = service.parse_talent_id(st.query_params.get("talent"))
    try:
        choices = dict(service.talent_choices())
    except DatabaseUnavailable:
        if wanted is None:
            raise
        st.warning("The talent list is unavailable because the database cannot be reached.")
        return wanted  # a deep link still shows the saved analytics from the cache
    if not choices:
        raise IntelError("No talents yet. Load the demo roster or import data first.")
    if wanted is not None and wanted not in choices:
        raise TalentNotFound(f"Talent {wanted} was not found, or you may not see it.")
    ids = list(choices)
    current = wanted if wanted is not None else ids[0]
    if st.session_state.get("talent_pick") != current:
        st.session_state["talent_pick"] = current  # a deep link or roster click wins over the last pick
    picked = st.selectbox("Talent", ids, format_func=choices.get, key="talent_pick", on_change=_sync_query)
    st.query_params["talent"] = str(picked)
    return int(picked)


def _sync_query() -> None:
    st.query_params["talent"] = str(st.session_state["talent_pick"])


def open_talent(talent_id: int) -> None:
    """Go to the talent page for `talent_id`."""
    st.switch_page(TALENT_PAGE, query_params={"talent": str(talent_id)})


def refresh_button(talent_id: int, actor: str) -> None:
    """Refresh: disabled with a spinner while running; the outcome toast is shown after the rerun."""
    busy_key = f"refresh_busy_{talent_id}"
    busy = bool(st.session_state.get(busy_key))
    st.button("Refreshing…" if busy else "Refresh", key="refresh", disabled=busy, icon=":material/refresh:",
              on_click=st.session_state.__setitem__, args=(busy_key, True), width="stretch")
    if not busy:
        return
    try:
        with st.spinner("Refreshing…"):
            outcome = service.refresh_social_intelligence(talent_id, actor=actor)
    finally:
        st.session_state[busy_key] = False
    st.session_state["pending_toast"] = _toast(outcome)
    st.rerun()  # render the new numbers; the toast is shown by that run


def _toast(outcome: RefreshOutcome) -> tuple[str, str]:
    return outcome.message, TOAST_ICONS[outcome.status]


def show_pending_toast() -> None:
    """Show a toast queued before a rerun (so toasts survive the page's own reruns)."""
    pending = st.session_state.pop("pending_toast", None)
    if pending:
        st.toast(pending[0], icon=pending[1], duration="long")
