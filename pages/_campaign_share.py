"""The campaign page's "Share links" section: an expiring link a brand opens without signing in to this
campaign's report as it is now (its URL shown once), the links so far with their views, and Revoke."""

from __future__ import annotations

import streamlit as st

from intel.accounts.access import can
from intel.accounts.auth import Identity
from intel.errors import IntelError
from intel.service import share_links
from intel.service.share_links import DEFAULT_DAYS, MAX_DAYS
from intel.views.text import plain
from pages._share_links import links_section, origin


def campaign_share_section(identity: Identity, campaign_id: int) -> None:
    """The section (nothing for a role that may not share); its errors stay inside it."""
    if not can(identity, "share"):
        return
    created = _created_now(identity, campaign_id)
    links_section(identity, created, lambda: share_links.list_campaign_share_links(identity, campaign_id),
                  lambda: _form(campaign_id))


def _form(campaign_id: int) -> None:
    st.caption("Anyone with the link sees this campaign's report as it is now (a frozen copy, with the talents "
               "you may see) until it expires or is revoked; no other page of the app. Every view is audited.")
    with st.form(f"campaign_share_form_{campaign_id}", border=False):
        st.number_input("Valid for (days)", min_value=1, max_value=MAX_DAYS, value=DEFAULT_DAYS, step=1,
                        key=f"campaign_share_days_{campaign_id}")
        st.form_submit_button("Create share link", icon=":material/add_link:",
                              key=f"campaign_share_create_{campaign_id}")


def _created_now(identity: Identity, campaign_id: int) -> str | None:
    """The new link's URL when the form was just submitted (an error is shown instead when refused)."""
    if not st.session_state.get(f"campaign_share_create_{campaign_id}"):
        return None
    days = st.session_state.get(f"campaign_share_days_{campaign_id}", DEFAULT_DAYS)
    try:
        with st.spinner("Building the report for the link…"):
            return share_links.create_campaign_share_link(identity, campaign_id, days=int(days),
                                                          base_url=origin()).url
    except IntelError as exc:
        st.error(plain(str(exc)))
        return None
