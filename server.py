"""ASGI entry point: the Streamlit app plus sign-in routes and the JSON API (`streamlit run server.py`).

`streamlit run` detects the `st.App` below and serves it with uvicorn; `app.py` stays the page script
(AppTest runs it directly).
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from intel.web.routes import SignInRedirect, routes

# The app declares its pages with st.navigation; without this, Streamlit's legacy pages/ folder scan
# (multipage v1) builds the sidebar of the first session after a start from the files in pages/.
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=routes(), middleware=[Middleware(SignInRedirect)])
