"""Entry point: builds navigation for the signed-in role and runs the chosen page.

Serve it with `streamlit run server.py` (adds sign-in routes and the API) or, without sign-in routes,
`streamlit run app.py`. Every page starts with `pages._wiring.page_start()`, which checks access again.
"""

import time

import streamlit as st

from intel.errors import ConfigError, DatabaseUnavailable
from pages._wiring import account_menu, hand_identity_to_page, navigation, resolve_identity, timed_run

started = time.perf_counter()  # the page-run time includes resolving the identity

st.set_page_config(page_title="Talent Social Intelligence", page_icon="📈", layout="wide")
try:
    identity = resolve_identity()
except (ConfigError, DatabaseUnavailable):
    identity = None  # the page resolves again and shows the configuration or database error in plain words
else:
    hand_identity_to_page(identity)  # resolved once per run: the page uses this one
if identity is not None:
    account_menu(identity)
page = st.navigation(navigation(identity))
with timed_run(page, started):  # st.stop and st.rerun raise through here: counted as "stopped" and "rerun"
    page.run()
