"""The talent page's "Connected accounts" section: each platform account the connectors read, how its sync
stands, and Connect / Sync now / Disconnect for the people who may change it (admins and the talent's agent;
the service checks again)."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from intel.accounts.access import can
from intel.accounts.auth import Identity
from intel.analytics.result import platform_label
from intel.errors import IntelError
from intel.service import connections, syncs
from intel.service.connections import ConnectionView
from intel.views.text import plain
from pages import _wiring

PLATFORMS = ("youtube", "instagram", "tiktok")
OAUTH_PLATFORMS = ("instagram", "tiktok")
TIKTOK_NOTE = ("Comment sentiment unavailable for TikTok accounts synced by API: TikTok's Display API gives "
               "followers, videos and their counts, but no comment text.")
_STATUS = {"connected": ("Connected", ":material/check_circle:"),
           "needs_reconnect": ("Needs reconnecting", ":material/link_off:")}


def connections_section(identity: Identity, talent_id: int) -> list[ConnectionView]:
    """The section, and the connections it showed; errors of its own actions stay inside it (the figures below
    still show)."""
    try:
        views = connections.list_connections(identity, talent_id)
    except IntelError as exc:
        _connected_notice([])
        st.caption(plain(f"Connected accounts unavailable: {exc}"))
        return []
    _connected_notice(views)
    attention = [v for v in views if v.status != "connected"]
    title = f"Connected accounts · {_summary(views)}"
    with st.expander(plain(title), expanded=bool(attention) or not views, icon=":material/sync:"):
        for view in sorted(views, key=lambda v: PLATFORMS.index(v.platform) if v.platform in PLATFORMS else 9):
            _connection_row(identity, view)
        if can(identity, "connect"):
            _connect_controls(identity, talent_id, {v.platform for v in views})
        elif not views:
            st.caption("No platform account is connected: data arrives only by import.")
    return views


def comment_text_note(views: list[ConnectionView]) -> str | None:
    """What the sentiment figures cannot include, when a connected account's API gives no comment text."""
    return TIKTOK_NOTE if any(not v.has_comment_text for v in views) else None


def _summary(views: list[ConnectionView]) -> str:
    if not views:
        return "none"
    broken = sum(v.status != "connected" for v in views)
    text = ", ".join(platform_label(v.platform) for v in views)
    return f"{text} · {broken} need{'s' if broken == 1 else ''} reconnecting" if broken else text


def _connected_notice(views: list[ConnectionView]) -> None:
    """After the OAuth callback: one toast, then the query parameter is dropped so a reload shows none.

    Anyone can craft a link with `connected=…`: the toast names only a platform this talent has connected,
    so a link cannot make the app claim a connection it does not have, or show words of the link's author."""
    if "connected" not in st.query_params:
        return
    platform = st.query_params.get("connected", "")
    del st.query_params["connected"]
    if platform in PLATFORMS and any(v.platform == platform for v in views):
        st.toast(plain(f"{platform_label(platform)} connected: the first sync is scheduled."), icon="✅")


def _ago(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    minutes = int((datetime.now(UTC) - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago" if minutes < 48 * 60 else f"{minutes // 1440} days ago"


def _when(moment: datetime | None) -> str:
    return "not scheduled" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _connection_row(identity: Identity, view: ConnectionView) -> None:
    label, icon = _STATUS.get(view.status, (view.status, ":material/help:"))
    name, state, actions = st.columns([3, 4, 2], vertical_alignment="center")
    name.markdown(plain(f"{platform_label(view.platform)} · {view.handle}"))
    if view.status == "connected":
        state.caption(plain(f"{label} · last sync {_ago(view.last_synced_at)} ({view.last_status or 'not run yet'})"
                            f" · next {_when(view.next_sync_at)}"))
    else:
        reason = (view.status_reason or "the platform refused the token").rstrip(". ")  # it may end a sentence
        state.warning(plain(f"{label}: {reason}. Syncing has stopped until someone connects the account again."),
                      icon=icon)
    if view.last_message and view.last_status not in (None, "synced"):
        state.caption(plain(view.last_message))
    if not view.has_comment_text:
        state.caption(plain(TIKTOK_NOTE))
    if can(identity, "connect"):
        with actions:
            _row_actions(identity, view)


def _row_actions(identity: Identity, view: ConnectionView) -> None:
    if view.status == "connected" and st.button("Sync now", key=f"sync_{view.profile_id}",
                                                icon=":material/sync:", width="stretch"):
        _act(lambda: syncs.request_sync_for(identity, view.profile_id),
             f"Sync of {platform_label(view.platform)} scheduled.")
    with st.popover("Disconnect", icon=":material/link_off:", width="stretch"):
        st.caption(plain(f"Stop syncing {view.handle} and delete its stored token. Data already synced stays."))
        if st.button("Disconnect now", key=f"disconnect_{view.profile_id}", type="primary"):
            _act(lambda: connections.disconnect(identity, view.profile_id),
                 f"{platform_label(view.platform)} disconnected.")


def _act(action: object, done: str) -> None:
    try:
        action()  # type: ignore[operator]
    except IntelError as exc:
        st.error(plain(str(exc)))
        return
    st.session_state["pending_toast"] = (done, "✅")
    st.rerun()


def _connect_controls(identity: Identity, talent_id: int, connected: set[str]) -> None:
    missing = [p for p in PLATFORMS if p not in connected]
    reconnect = [p for p in OAUTH_PLATFORMS if p in connected]
    if not missing and not reconnect:
        return
    reasons = connections.configured_platforms()
    st.caption("Connect an account so its data arrives by itself (counts every few hours, new posts and comments).")
    if "youtube" in missing:
        _connect_youtube(identity, talent_id, reasons.get("youtube"))
    columns = st.columns(len(OAUTH_PLATFORMS))
    for column, platform in zip(columns, OAUTH_PLATFORMS, strict=True):
        with column:
            _connect_oauth(identity, talent_id, platform, reasons.get(platform),
                           again=platform in connected)


def _connect_youtube(identity: Identity, talent_id: int, reason: str | None) -> None:
    ref_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    ref = ref_col.text_input("YouTube channel id or @handle", key=f"youtube_ref_{talent_id}", disabled=bool(reason),
                             help=reason or "Public channel data, read with the agency's API key.")
    if button_col.button("Connect YouTube", key=f"connect_youtube_{talent_id}", disabled=bool(reason) or not ref,
                         width="stretch"):
        _act(lambda: connections.connect_youtube(identity, talent_id, ref), "YouTube connected: first sync scheduled.")


def _connect_oauth(identity: Identity, talent_id: int, platform: str, reason: str | None, *, again: bool) -> None:
    label = platform_label(platform)
    url_key = f"oauth_url_{platform}_{talent_id}"
    verb = "Reconnect" if again else "Connect"
    if st.button(plain(f"{verb} {label}"), key=f"connect_{platform}_{talent_id}", disabled=bool(reason), help=reason,
                 width="stretch"):
        try:
            st.session_state[url_key] = connections.start_connect(
                identity, talent_id, platform, session_token=_wiring.session_token() or "", origin=_origin())
        except IntelError as exc:
            st.error(plain(str(exc)))
    url = st.session_state.get(url_key)
    if url:
        # The platform's own page asks the account owner to approve; it comes back to /oauth/<platform>/callback.
        st.link_button(plain(f"Continue to {label} to approve"), url, type="primary", width="stretch")


def _origin() -> str:
    """This app's origin as the browser sees it (the service prefers INTEL_PUBLIC_URL when set)."""
    url = st.context.url or ""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else ""
