"""The talent page's "Share links" section: create an expiring link to this talent's report for a brand (its
URL shown once), the links made so far with their views, and Revoke for their creator or an admin (the service
checks again). Shown to those who may share (agents for their talents, managers, admins), never the demo viewer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st

from intel.accounts.access import can
from intel.accounts.auth import Identity
from intel.errors import IntelError
from intel.reports.model import MAX_NOTE
from intel.service import share_links
from intel.service.share_links import DEFAULT_DAYS, MAX_DAYS, ShareLinkView
from intel.views.text import plain

PERIODS: dict[str, str | None] = {"Last 30 days": "30d", "Last 90 days": "90d", "Last 365 days": "365d",
                                  "All data": None}
PERIOD_NAMES = {code or "all": name for name, code in PERIODS.items()}
STATUS = {"active": "active", "expired": "expired", "revoked": "revoked"}


def share_links_section(identity: Identity, talent_id: int) -> None:
    """The section (nothing for a role that may not share); its errors stay inside it."""
    if not can(identity, "share"):
        return
    created = _created_now(identity, talent_id)
    links_section(identity, created, lambda: share_links.list_share_links(identity, talent_id),
                  lambda: _create_form(talent_id))


def links_section(identity: Identity, created: str | None, load: Callable[[], list[ShareLinkView]],
                  form: Callable[[], None]) -> None:
    """The expander of a talent's or a campaign's links: counts, a new URL once, the form, the table, Revoke."""
    try:
        links = load()
    except IntelError as exc:
        st.caption(plain(f"Share links unavailable: {exc}"))
        return
    active = sum(link.status == "active" for link in links)
    views = sum(link.view_count for link in links)
    title = f"Share links · {active} active · {views} view{'' if views == 1 else 's'}"
    with st.expander(plain(title), expanded=created is not None, icon=":material/share:"):
        if created is not None:
            st.success("Share link created. Copy it now: it will not be shown again (only a hash of it is kept).")
            st.code(created, language=None)
        form()
        links_table(links)
        revoke_controls(identity, [link for link in links if link.can_revoke])


def _create_form(talent_id: int) -> None:
    st.caption("Anyone with the link sees this report as it is now (a frozen copy, not later figures) until it "
               "expires or is revoked; no other page of the app. Every view is counted and audited.")
    with st.form(f"share_form_{talent_id}", border=False):
        days_col, period_col = st.columns(2)
        days_col.number_input("Valid for (days)", min_value=1, max_value=MAX_DAYS, value=DEFAULT_DAYS, step=1,
                              key=f"share_days_{talent_id}")
        period_col.selectbox("Period", list(PERIODS), index=1, key=f"share_period_{talent_id}")
        st.text_area("Note for the brand (optional, shown as plain text)", max_chars=MAX_NOTE,
                     key=f"share_note_{talent_id}")
        st.form_submit_button("Create share link", icon=":material/add_link:", key=f"share_create_{talent_id}")


def _created_now(identity: Identity, talent_id: int) -> str | None:
    """The new link's URL when the form was just submitted (an error is shown instead when refused)."""
    # The submit button's value is in session_state before the form is drawn again: the link is created first,
    # so the counts and the table below already include it.
    if not st.session_state.get(f"share_create_{talent_id}"):
        return None
    days = st.session_state.get(f"share_days_{talent_id}", DEFAULT_DAYS)
    period = PERIODS.get(st.session_state.get(f"share_period_{talent_id}", ""))
    note = st.session_state.get(f"share_note_{talent_id}") or None
    try:
        with st.spinner("Building the report for the link…"):
            return share_links.create_share_link(identity, talent_id, days=int(days), period=period, note=note,
                                                 base_url=origin()).url
    except IntelError as exc:
        st.error(plain(str(exc)))
        return None


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def links_table(links: list[ShareLinkView]) -> None:
    """The links made so far: when, by whom, until when, their views and status (never a token)."""
    if not links:
        st.caption("No share link yet.")
        return
    st.dataframe({
        "Created": [_when(link.created_at) for link in links],
        "By": [link.created_by for link in links],
        "Expires": [_when(link.expires_at) for link in links],
        "Period": [PERIOD_NAMES.get(link.period, link.period) for link in links],
        "Views": [link.view_count for link in links],
        "Last viewed": [_when(link.last_viewed_at) for link in links],
        "Status": [STATUS[link.status] + (f" by {link.revoked_by}" if link.revoked_by else "") for link in links],
    }, hide_index=True, key="share_links_table")


def revoke_controls(identity: Identity, revocable: list[ShareLinkView]) -> None:
    """Revoke one of the links the identity may revoke, after a confirmation."""
    if not revocable:
        return
    labels = {f"Created {_when(link.created_at)} by {link.created_by}, expires {_when(link.expires_at)}": link.id
              for link in revocable}
    choice = st.selectbox("Link to revoke", list(labels), key="share_revoke_choice")
    with st.popover("Revoke…", icon=":material/link_off:"):
        st.caption("The link stops working at once, for everyone who has it. This cannot be undone.")
        if st.button("Revoke now", key="share_revoke_confirm", type="primary"):
            try:
                share_links.revoke_share_link(identity, labels[choice])
            except IntelError as exc:
                st.error(plain(str(exc)))
                return
            st.session_state["pending_toast"] = ("Share link revoked.", "✅")
            st.rerun()


def origin() -> str:
    """This app's origin as the browser sees it (the service prefers INTEL_PUBLIC_URL when set)."""
    url = st.context.url or ""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else ""
