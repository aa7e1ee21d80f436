"""Entry point: builds navigation and runs the chosen page (`streamlit run app.py`)."""

import streamlit as st

from pages._wiring import boot

st.set_page_config(page_title="Talent Social Intelligence", page_icon="📈", layout="wide")
boot()

PAGES = [
    st.Page("pages/roster.py", title="Roster", icon="👥", url_path="roster", default=True),
]
st.navigation(PAGES).run()
