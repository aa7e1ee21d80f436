"""Roster: every talent with headline figures."""

import pandas as pd
import streamlit as st

from intel import service
from pages._wiring import shown_errors

st.title("Roster")
with shown_errors():
    rows = service.roster()

if not rows:
    st.info("No talents yet. Load the demo roster with `python -m intel demo load` or import data.")
    st.stop()

frame = pd.DataFrame(
    {
        "Talent": [r.name for r in rows],
        "Handle": [r.handle for r in rows],
        "Category": [r.category for r in rows],
        "Tier": [r.tier for r in rows],
        "Platforms": [", ".join(r.platforms) or "not connected" for r in rows],
        "Total followers": [r.total_followers for r in rows],
        "Data": ["Demo" if r.is_demo else "Real" for r in rows],
    }
)
st.caption(f"{len(rows)} talents")
st.dataframe(frame, hide_index=True, width="stretch", key="roster_table")
