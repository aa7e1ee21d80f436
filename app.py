"""Entry point: builds navigation for the signed-in role and runs the chosen page.

Serve it with `streamlit run server.py` (adds sign-in routes and the API) or, without sign-in routes,
`streamlit run app.py`. Every page starts with `pages._wiring.page_start()`, which checks access again.
"""

import streamlit as st

from intel.errors import ConfigError, DatabaseUnavailable
from pages._wiring import account_menu, navigation, resolve_identity

st.set_page_config(page_title="Talent Social Intelligence", page_icon="📈", layout="wide")
try:
    identity = resolve_identity()
except (ConfigError, DatabaseUnavailable):
    identity = None  # the page shows the configuration or database error in plain words
if identity is not None:
    account_menu(identity)
st.navigation(navigation(identity)).run()
