"""Users (admins): accounts, roles, activation, password resets, talent assignment and API tokens."""

import pandas as pd
import streamlit as st

from intel.accounts.auth import MIN_PASSWORD
from intel.db.models import ROLES
from intel.service import accounts as users
from intel.service import talents as service
from pages._wiring import page_start, shown_errors

identity = page_start("users")
st.title("Users", anchor=False)

with shown_errors():
    accounts = users.list_users(identity)
st.dataframe(pd.DataFrame([a.__dict__ for a in accounts]).drop(columns=["user_id"]) if accounts else pd.DataFrame(),
             hide_index=True, width="stretch", key="users_table")
emails = [a.email for a in accounts]


def done(message: str) -> None:
    """Queue a confirmation toast and rerun to show the new state."""
    st.session_state["pending_toast"] = (message, "✅")
    st.rerun()


add, manage, assign, tokens = st.tabs(["Add user", "Role & access", "Assign talents", "API tokens"])
with add, st.form("add_user", clear_on_submit=True):
    email = st.text_input("Email", key="new_email")
    name = st.text_input("Name", key="new_name")
    role = st.selectbox("Role", ROLES, key="new_role")
    password = st.text_input(f"Initial password (≥ {MIN_PASSWORD} characters)", type="password", key="new_pw")
    if st.form_submit_button("Create account"):
        with shown_errors():
            users.create_user(identity, email, name, role, password)
        done(f"Account created for {email.strip().lower()}")

with manage:
    who = st.selectbox("Account", emails, key="manage_email")
    role_col, active_col = st.columns(2)
    new_role = role_col.selectbox("Role", ROLES, key="manage_role")
    if role_col.button("Change role", key="change_role") and who:
        with shown_errors():
            users.set_role(identity, who, new_role)
        done(f"{who} is now {new_role}")
    if active_col.button("Deactivate", key="deactivate") and who:
        with shown_errors():
            users.set_active(identity, who, False)
        done(f"{who} deactivated and signed out everywhere")
    if active_col.button("Activate", key="activate") and who:
        with shown_errors():
            users.set_active(identity, who, True)
        done(f"{who} activated")
    new_pw = st.text_input("New password", type="password", key="reset_pw")
    if st.button("Reset password", key="reset") and who:
        with shown_errors():
            users.reset_password(identity, who, new_pw)
        done(f"Password of {who} reset; their sessions ended")

with assign:
    agents = [a.email for a in accounts if a.role == "agent"]
    agent = st.selectbox("Agent", agents, key="assign_agent")
    with shown_errors():
        choices = dict(service.talent_choices(identity))
    picked = st.multiselect("Talents", list(choices), format_func=choices.get, key="assign_talents")
    if st.button("Assign", key="assign") and agent and picked:
        with shown_errors():
            users.assign_talents(identity, agent, picked)
        done(f"{len(picked)} talents assigned to {agent}")

with tokens:
    owner = st.selectbox("Account", emails, key="token_email")
    label = st.text_input("Token name", value="internal tool", key="token_name")
    if st.button("Issue token", key="issue_token") and owner:
        with shown_errors():
            st.session_state["issued_token"] = users.issue_api_token(identity, owner, label)
    if "issued_token" in st.session_state:
        st.code(st.session_state.pop("issued_token"), language=None)
        st.caption("Copy it now: it is shown once and only its hash is stored.")
    if st.button("Revoke all tokens of this account", key="revoke_tokens") and owner:
        with shown_errors():
            count = users.revoke_api_tokens(identity, owner)
        done(f"{count} tokens revoked")
