"""The one Streamlit-side module: page chrome, pickers, the refresh button, errors as plain messages."""

from __future__ import annotations

import html
import logging
import math
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from intel.accounts.access import can
from intel.accounts.auth import DEMO_VIEWER, Identity
from intel.config import get_settings, timezone_names
from intel.errors import ConfigError, DatabaseUnavailable, IntelError, PermissionDenied, TalentNotFound
from intel.metrics import record as metrics
from intel.service import accounts, alerts
from intel.service import talents as service
from intel.service.talents import RefreshOutcome
from intel.views.text import plain
from intel.web.routes import COOKIE, login_url

log = logging.getLogger("intel.ui")
DEMO_BANNER = "Demo Data — Not Real Analytics"
PAGES = Path(__file__).resolve().parent  # absolute: the entrypoint is not next to pages/ (entry/app.py)
TALENT_PAGE = str(PAGES / "talent.py")
ROSTER_PAGE = str(PAGES / "roster.py")
ALERTS_PAGE = str(PAGES / "alerts.py")
IDENTITY_GRACE_S = 15 * 60
TOAST_ICONS = {"refreshed": "✅", "joined": "✅", "rate_limited": "⏳", "queued": "🕒", "failed": "❌"}
SIGN_IN_STYLE = ("display:inline-block;padding:.4rem .9rem;border-radius:.5rem;background:#5B3CC4;"
                 "color:#fff;text-decoration:none;font-weight:600")


def current_identity() -> Identity | None:
    """Who is using this browser session: the demo viewer in demo mode, else the session cookie's user."""
    settings = get_settings()
    if settings.demo_mode:
        return DEMO_VIEWER
    return accounts.identity_for_session(session_token())


def session_token() -> str | None:
    """The HttpOnly session cookie set by /auth/login (read server-side)."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


_RUN_IDENTITY = "_identity_of_this_run"


def hand_identity_to_page(identity: Identity | None) -> None:
    """app.py resolved the identity for this run: the page it runs next uses it instead of asking again."""
    st.session_state[_RUN_IDENTITY] = identity


def identity_for_this_run() -> Identity | None:
    """The identity app.py resolved in this run (taken once), else resolved now (a page run on its own)."""
    if _RUN_IDENTITY in st.session_state:
        return st.session_state.pop(_RUN_IDENTITY)  # type: ignore[no-any-return]
    return resolve_identity()


def resolve_identity() -> Identity | None:
    """The identity, checked against the database on every run (so sign-out and deactivation bite at once).

    While the database is unreachable, the identity verified earlier in this browser session stays
    valid for IDENTITY_GRACE_S, so cached analytics can still be served during a short outage.
    """
    try:
        identity = current_identity()
    except DatabaseUnavailable:
        remembered = st.session_state.get("_verified_identity")
        if remembered is None or time.monotonic() - remembered[1] > IDENTITY_GRACE_S:
            raise
        log.warning("database unreachable; using the identity verified %.0fs ago", time.monotonic() - remembered[1])
        return remembered[0]
    st.session_state["_verified_identity"] = (identity, time.monotonic()) if identity else None
    return identity


def page_start(capability: str = "view") -> Identity:
    """First call of every page: configuration, access check, demo banner, queued toast."""
    try:
        settings = get_settings()
        identity = identity_for_this_run()
    except ConfigError as exc:
        st.error(plain(f"Configuration error: {exc}"))
        st.stop()
    except DatabaseUnavailable as exc:
        st.error(plain(str(exc)))
        st.stop()
    if identity is None:
        sign_in_prompt()
        st.stop()
    if not can(identity, capability):
        refuse("Your role does not allow this page. Ask an administrator if you need access.")
    if settings.demo_mode:
        st.warning("Demo mode: every figure in this app comes from generated data — not real analytics.",
                   icon="🎭")
    show_pending_toast()
    show_refresh_outcomes(identity)
    return identity


def sign_in_prompt() -> None:
    """Ask to sign in, returning to the current page (deep links survive sign-in)."""
    path = urlsplit(st.context.url or "/").path
    query = urlencode(st.query_params.to_dict())
    here = path + (f"?{query}" if query else "")
    st.title("Talent Social Intelligence", anchor=False)
    st.info("Please sign in to see your talents.")
    # Not st.link_button: it always opens a new tab. An explicit target=_self keeps the one tab.
    st.markdown(f"<a href='{html.escape(login_url(here), quote=True)}' target='_self' style='{SIGN_IN_STYLE}'>"
                "Sign in</a>", unsafe_allow_html=True)


def account_menu(identity: Identity) -> None:
    """Who is signed in, and the sign-out link, in the sidebar."""
    if identity.is_demo_viewer:
        st.sidebar.caption("Demo viewer · read-only")
        return
    st.sidebar.caption(plain(f"Signed in as {identity.display_name} ({identity.role})"))
    # Revoking server-side signs out every tab using this session; the stale cookie no longer works.
    if st.sidebar.button("Sign out", key="sign_out"):
        with shown_errors():
            accounts.end_session(session_token(), identity)
        st.session_state.clear()
        st.rerun()


@contextmanager
def shown_errors() -> Iterator[None]:
    """Run a block; an IntelError becomes st.error with its plain message, then the page stops."""
    try:
        yield
    except IntelError as exc:
        # A refusal, a talent not found or a bad link is no dead end; other failures (database, import) are not
        # about where the user is, so they get no way out but the navigation.
        if isinstance(exc, TalentNotFound | PermissionDenied) or type(exc) is IntelError:
            refuse(str(exc))
        st.error(plain(str(exc)))
        st.stop()


def refuse(message: str) -> None:
    """Show a refusal or not-found message with a "Back to the roster" link (same tab), then stop the page."""
    st.error(plain(message))
    back_to_roster()
    st.stop()


def back_to_roster() -> None:
    """A same-tab link to the roster page (nothing when the app runs without its navigation, e.g. one page alone)."""
    try:
        st.page_link(ROSTER_PAGE, label="Back to the roster", icon=":material/arrow_back:")
    except StreamlitAPIException:
        log.debug("no roster page registered: no back link")


def talent_picker(identity: Identity) -> int:
    """The talent of the page: `?talent=ID` deep link or the picker; keeps both in step."""
    wanted = service.parse_talent_id(st.query_params.get("talent"))
    try:
        choices = dict(service.talent_choices(identity))
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


def timezone_picker(talent_id: int, identity: Identity) -> None:
    """The talent's time zone for the best-time table, for those who may edit the talent (the service checks
    again); nothing while the database is down (the cached page still shows)."""
    if not can(identity, "edit_talent"):
        return
    try:
        setting = service.timezone_setting(identity, talent_id)
    except DatabaseUnavailable:
        return
    options = ["", *timezone_names()]  # "": no zone of its own, i.e. INTEL_TIMEZONE
    current = setting.own or ""
    picked = st.selectbox("Time zone of the best-time table", options, index=options.index(current),
                          format_func=lambda zone: zone or f"Default ({setting.default})",
                          key=f"timezone_{talent_id}")
    if st.button("Save time zone", key="save_timezone", disabled=picked == current):
        with shown_errors():
            saved = service.set_timezone(identity, talent_id, picked or None)
        st.session_state["pending_toast"] = (f"Best times now shown in {saved.effective}", "✅")
        st.rerun()


def navigation(identity: Identity | None) -> list[st.Page]:
    """The pages this identity may open (each page checks again: hidden is not protected)."""
    if identity is None:
        return [st.Page(str(PAGES / "sign_in.py"), title="Sign in", icon="🔑", url_path="sign-in", default=True)]
    pages = [
        st.Page(str(PAGES / "roster.py"), title="Roster", icon="👥", url_path="roster", default=True),
        st.Page(str(PAGES / "talent.py"), title="Talent", icon="🎯", url_path="talent"),
        st.Page(str(PAGES / "campaigns.py"), title="Campaigns", icon="🤝", url_path="campaigns"),
        st.Page(ALERTS_PAGE, title=alerts_title(identity), icon="🔔", url_path="alerts"),
        st.Page(str(PAGES / "digest.py"), title="Weekly digest", icon="🗞️", url_path="digest"),
    ]
    optional = [("compare", str(PAGES / "compare.py"), "Compare", "⚖️", "compare"),
                ("import", str(PAGES / "import_data.py"), "Import", "📥", "import"),
                ("ops", str(PAGES / "ops.py"), "Ops", "🛠️", "ops"),
                ("users", str(PAGES / "users.py"), "Users", "🛡️", "users")]
    pages += [st.Page(path, title=title, icon=icon, url_path=slug)
              for cap, path, title, icon, slug in optional if can(identity, cap)]
    if not identity.is_demo_viewer:
        pages.append(st.Page(str(PAGES / "account.py"), title="Account", icon="👤", url_path="account"))
    return pages


def alerts_title(identity: Identity) -> str:
    """"Alerts (3)" with the identity's unread count, the sidebar's badge; plain "Alerts" when none or unknown."""
    try:
        unread = alerts.unread_count(identity)  # one COUNT query per run
    except IntelError:
        unread = 0  # the database is down: the page itself says so
    return f"Alerts ({unread})" if unread else "Alerts"


def timed_run(page: st.Page, started: float | None = None) -> AbstractContextManager[None]:
    """Time one script run of `page` into the page-run histogram of intel.metrics, labelled with the page's
    slug (roster, talent, …); `started` is when the run began (`time.perf_counter()`)."""
    return metrics.page_run(page.url_path or page.title.lower().replace(" ", "-"), _run_outcome, started)


def _run_outcome(exc: BaseException) -> str:
    # st.stop ends a run by raising StopException, st.rerun and st.switch_page by raising RerunException.
    if isinstance(exc, StopException):
        return "stopped"
    return "rerun" if isinstance(exc, RerunException) else "error"


def _sync_query() -> None:
    st.query_params["talent"] = str(st.session_state["talent_pick"])


def open_talent(talent_id: int) -> None:
    """Go to the talent page for `talent_id`."""
    st.switch_page(TALENT_PAGE, query_params={"talent": str(talent_id)})


def refresh_button(talent_id: int, identity: Identity) -> None:
    """Refresh: disabled with a spinner while running; the outcome toast is shown after the rerun. Below it, the
    talent's queued refresh (everyone sees it), or after a limited answer, "Refresh when allowed"."""
    show_refresh_outcomes(identity)  # serving this talent may just have run a refresh this user queued
    busy_key = f"refresh_busy_{talent_id}"
    busy = bool(st.session_state.get(busy_key))
    st.button("Refreshing…" if busy else "Refresh", key="refresh", disabled=busy, icon=":material/refresh:",
              on_click=st.session_state.__setitem__, args=(busy_key, True), width="stretch")
    if busy:
        _run_refresh(talent_id, identity, busy_key)
    _queue_controls(talent_id, identity)


def _run_refresh(talent_id: int, identity: Identity, busy_key: str) -> None:
    try:
        with st.spinner("Refreshing…"):
            outcome = service.refresh_for(identity, talent_id)
        toast = _toast(outcome)
        if outcome.status == "rate_limited":  # offer to queue it, for as long as the window lasts
            st.session_state[f"refresh_limited_{talent_id}"] = time.time() + outcome.retry_after_s
    except IntelError as exc:
        toast = (f"Refresh failed: {exc}", TOAST_ICONS["failed"])
    finally:
        st.session_state[busy_key] = False
    st.session_state["pending_toast"] = toast
    st.rerun()  # render the new numbers; the toast is shown by that run


def _queue_controls(talent_id: int, identity: Identity) -> None:
    """"Refresh queued · runs in N min" when one is queued; else, after a limited answer, the button to queue."""
    try:
        queued = service.queued_refresh_for(identity, talent_id)
    except IntelError:
        queued = None  # database down: the page still shows the cached analytics
    limited_key = f"refresh_limited_{talent_id}"
    if queued is not None:
        st.session_state.pop(limited_key, None)
        st.caption(plain(queued.label))
        return
    left = float(st.session_state.get(limited_key, 0.0)) - time.time()
    if left <= 0:
        return
    minutes = max(1, math.ceil(left / 60))
    if not st.button(plain(f"Refresh when allowed · in {minutes} min"), key="refresh_queue", width="stretch",
                     icon=":material/schedule:"):
        return
    st.session_state.pop(limited_key, None)
    try:
        outcome = service.queue_refresh_for(identity, talent_id)
        st.session_state["pending_toast"] = _toast(outcome)
    except IntelError as exc:
        st.session_state["pending_toast"] = (f"Refresh not queued: {exc}", TOAST_ICONS["failed"])
    st.rerun()


def show_refresh_outcomes(identity: Identity) -> None:
    """Toasts for the refreshes this user queued that ran since their last page run (each shown once)."""
    for message, status in service.refresh_outcomes_for(identity):
        st.toast(plain(message), icon=TOAST_ICONS.get(status, "ℹ️"), duration="long")


def _toast(outcome: RefreshOutcome) -> tuple[str, str]:
    return outcome.message, TOAST_ICONS[outcome.status]


def show_pending_toast() -> None:
    """Show a toast queued before a rerun (so toasts survive the page's own reruns)."""
    pending = st.session_state.pop("pending_toast", None)
    if pending:
        st.toast(plain(pending[0]), icon=pending[1], duration="long")


md_escape = plain  # the former name: user text shown literally in Markdown-rendering elements
