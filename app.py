"""Entry point: builds navigation and runs the chosen page (`streamlit run app.py`).

Every page starts with `pages._wiring.page_start()` (configuration check, demo banner, queued toast).
"""

import streamlit as st

st.set_page_config(page_title="Talent Social Intelligence", page_icon="📈", layout="wide")
PAGES = [
    st.Page("pages/roster.py", title="Roster", icon="👥", url_path="roster", default=True),
    st.Page("pages/talent.py", title="Talent", icon="🎯", url_path="talent"),
    st.Page("pages/compare.py", title="Compare", icon="⚖️", url_path="compare"),
]
st.navigation(PAGES).run()
