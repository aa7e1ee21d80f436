"""Campaigns: the list of brand deals (filters, overdue first, CSV export, a new campaign, sponsored posts to
review), or one campaign with `?campaign=ID`."""

import streamlit as st

from pages._campaign_detail import campaign_page
from pages._campaign_list import campaigns_list
from pages._wiring import page_start, shown_errors

identity = page_start()
wanted = st.query_params.get("campaign")
if wanted:
    with shown_errors():
        campaign_page(identity, wanted)
else:
    campaigns_list(identity)
