"""ASGI entry point: the Streamlit app plus sign-in routes and the JSON API (`streamlit run server.py`).

`streamlit run` detects the `st.App` below and serves it with uvicorn. Its script is entry/app.py,
which runs app.py (the page script AppTest runs directly): Streamlit reads a `pages/` folder next to
the entrypoint as a legacy multipage app until some session has called `st.navigation`, and ours is
the UI folder, so the entrypoint sits in a folder without one.
"""

import streamlit as st
from starlette.middleware import Middleware

from intel.web.routes import SignInRedirect, routes

app = st.App("entry/app.py", routes=routes(), middleware=[Middleware(SignInRedirect)])
