"""Account: the signed-in user changes their own password."""

import streamlit as st

from intel.service import accounts
from pages._wiring import page_start, shown_errors

identity = page_start()
st.title("Account", anchor=False)
st.text(f"{identity.display_name} · {identity.email} · {identity.role}")
with st.form("password", clear_on_submit=True):
    current = st.text_input("Current password", type="password", key="pw_current")
    new = st.text_input("New password", type="password", key="pw_new")
    if st.form_submit_button("Change password"):
        with shown_errors():
            accounts.change_own_password(identity, current, new)
        st.success("Password changed. Other sessions were signed out; sign in again here.")
