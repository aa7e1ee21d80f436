"""The talent page's "Campaigns" section: the brand deals this talent is on, overdue ones first, each a link to
its campaign page."""

from __future__ import annotations

import streamlit as st

from intel.accounts.auth import Identity
from intel.errors import DatabaseUnavailable
from intel.service import campaigns as service
from intel.views.text import plain
from pages._wiring import PAGES, md_escape

CAMPAIGNS_PAGE = str(PAGES / "campaigns.py")


def campaigns_section(identity: Identity, talent_id: int) -> None:
    """The section; nothing while the database is down (the cached figures still show)."""
    try:
        rows = service.talent_campaigns(identity, talent_id)
    except DatabaseUnavailable:
        return
    if not rows:
        return
    overdue = sum(r.counts.overdue for r in rows)
    if overdue:
        st.warning(plain(f"{overdue} campaign deliverables are overdue." if overdue > 1
                         else "1 campaign deliverable is overdue."), icon="⏰")
    with st.expander(f"Campaigns ({len(rows)})", expanded=bool(overdue)):
        for row in rows:
            counts = row.counts
            state = (f"{counts.done} of {counts.total} deliverables done"
                     + (f", {counts.overdue} overdue" if counts.overdue else "")) if counts.total else "no deliverables"
            st.page_link(CAMPAIGNS_PAGE, label=md_escape(f"{row.brand} — {row.name}"),
                         query_params={"campaign": str(row.id)}, icon=":material/handshake:")
            st.caption(plain(f"{row.status.capitalize()} · {row.starts_on:%d %b %Y} to {row.ends_on:%d %b %Y} · "
                             f"{state}"))
