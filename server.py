"""ASGI entry point: the Streamlit app plus sign-in routes and the JSON API (`streamlit run server.py`).

`streamlit run` detects the `st.App` below and serves it with uvicorn. Its script is entry/app.py,
which runs app.py (the page script AppTest runs directly): Streamlit reads a `pages/` folder next to
the entrypoint as a legacy multipage app until some session has called `st.navigation`, and ours is
the UI folder, so the entrypoint sits in a folder without one.

The compressed front-end bundles (`python -m intel static build`, run by `make run`) are served first,
and announced for preloading in every HTML response, when they exist for the installed Streamlit;
otherwise Streamlit serves its bundles itself, uncompressed.
"""

import streamlit as st
from starlette.middleware import Middleware

from intel.config import get_settings
from intel.errors import ConfigError
from intel.web import static
from intel.web.routes import SignInRedirect, routes

try:
    bundles = static.middleware(get_settings().static_dir)
except ConfigError:
    bundles = []  # the pages explain the configuration error in plain words
app = st.App("entry/app.py", routes=routes(), middleware=[*bundles, Middleware(SignInRedirect)])
