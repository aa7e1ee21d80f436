"""The campaigns list: filters, the table (a click opens the campaign), CSV export, a new campaign, and the
sponsored posts no campaign claims."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from intel.accounts.access import can
from intel.accounts.auth import Identity
from intel.db.base import utcnow
from intel.service import campaign_edits as edits
from intel.service import campaigns as service
from intel.service import talents
from intel.views import campaigns as views
from intel.views.tables import safe_csv
from intel.views.text import plain
from pages._wiring import md_escape, shown_errors

ALL = "All"
STATUSES = ("planned", "live", "completed", "cancelled")


def campaigns_list(identity: Identity) -> None:
    """The list page."""
    st.title("Campaigns", anchor=False)
    with shown_errors():
        every = service.list_campaigns(identity)
    if not every:
        st.info("No campaigns yet. Create the first one below." if can(identity, "edit_campaign")
                else "No campaigns yet.")
    else:
        _table(_filtered(every))
    if can(identity, "edit_campaign"):
        _new_campaign(identity)
    _review(identity)


def _filtered(rows: list[service.CampaignRow]) -> list[service.CampaignRow]:
    brand_col, status_col, owner_col, talent_col = st.columns(4)
    brand = brand_col.selectbox("Brand", [ALL, *sorted({r.brand for r in rows})], key="campaign_brand")
    status = status_col.selectbox("Status", [ALL, *STATUSES], format_func=str.capitalize, key="campaign_status")
    owner = owner_col.selectbox("Agent", [ALL, *sorted({r.owner for r in rows if r.owner})], key="campaign_owner")
    talent = talent_col.selectbox("Talent", [ALL, *sorted({t for r in rows for t in r.talents})],
                                  key="campaign_talent")
    return [r for r in rows if brand in (ALL, r.brand) and status in (ALL, r.status) and owner in (ALL, r.owner)
            and (talent == ALL or talent in r.talents)]


def _table(rows: list[service.CampaignRow]) -> None:
    frame = views.campaigns_frame(rows)
    event = st.dataframe(frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="campaigns_table")
    st.caption(f"{len(rows)} campaigns · overdue deliverables first · click a row to open it")
    picked = event.selection.rows if event is not None else []
    if picked:
        st.query_params["campaign"] = str(rows[picked[0]].id)
        st.rerun()
    st.download_button("Export CSV", safe_csv(frame), file_name="campaigns.csv", mime="text/csv",
                       key="campaigns_csv")


def _new_campaign(identity: Identity) -> None:
    with st.expander("New campaign"), st.form("new_campaign", clear_on_submit=False):
        with shown_errors():
            choices = dict(talents.talent_choices(identity))
        brand, name = st.text_input("Brand", max_chars=200), st.text_input("Campaign name", max_chars=200)
        today = utcnow().date()
        start_col, end_col, status_col, currency_col = st.columns(4)
        starts = start_col.date_input("Starts", today)
        ends = end_col.date_input("Ends", today + timedelta(days=30))
        status = status_col.selectbox("Status", STATUSES, format_func=str.capitalize)
        currency = currency_col.text_input("Currency", "EUR", max_chars=3)
        picked = st.multiselect("Talents", list(choices), format_func=choices.get)
        notes = st.text_area("Notes", max_chars=edits.MAX_NOTES)
        if st.form_submit_button("Create campaign"):
            with shown_errors():
                new_id = edits.create_campaign(identity, edits.CampaignInput(
                    brand, name, starts, ends, status, currency, notes), picked)
            st.session_state["pending_toast"] = (f"Campaign {md_escape(name.strip())} created", "✅")
            st.query_params["campaign"] = str(new_id)
            st.rerun()


def _review(identity: Identity) -> None:
    # Loaded only when asked: it reads 180 days of every visible talent's posts, too much for each page run.
    if not st.toggle("Show sponsored posts no campaign claims", key="campaign_review"):
        return
    with shown_errors():
        posts = service.sponsored_for_review(identity)
    if not posts:
        st.caption("None in the last 180 days.")
        return
    st.caption(plain(f"{len(posts)} posts flagged sponsored by the platform, or disclosed in the caption "
                     f"({', '.join(service.DISCLOSURES)}); open a campaign to include one."))
    st.dataframe(views.review_frame(posts), hide_index=True, width="stretch", key="review_posts")
