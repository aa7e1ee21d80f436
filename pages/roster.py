"""Roster: every talent with headline figures; pick a row to open the talent."""

import streamlit as st

from intel.analytics.result import platform_label
from intel.db.models import PLATFORMS, TIERS
from intel.service import talents as service
from intel.views import tables as views
from pages._wiring import open_talent, page_start, shown_errors

identity = page_start()
st.title("Roster", anchor=False)
with shown_errors():
    rows = service.roster(identity)

if not rows:
    st.info("No talents to show yet: an administrator imports data or assigns talents to you.")
    st.stop()

search, platform_filter, tier_filter = st.columns([2, 1, 1])
query = search.text_input("Search", placeholder="Name or handle", key="roster_search")
platforms = platform_filter.multiselect("Platform", PLATFORMS, format_func=platform_label, key="roster_platforms")
tiers = tier_filter.multiselect("Tier", TIERS, key="roster_tiers")

frame = views.filter_roster(views.roster_frame(rows), query, platforms, tiers)
st.caption(f"{len(frame)} of {len(rows)} talents · figures as of each talent's last computation · "
           "select a row to open the talent")
event = st.dataframe(
    frame, hide_index=True, width="stretch", key="roster_table", on_select="rerun", selection_mode="single-row",
    column_order=[c for c in frame.columns if c != "id"], column_config=dict(views.ROSTER_COLUMNS),
    placeholder=views.PLACEHOLDER,
)
selected = event.selection.rows if event is not None else []
if selected:
    open_talent(int(frame.iloc[selected[0]]["id"]))
