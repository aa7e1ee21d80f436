"""ASGI entry point: the Streamlit app plus sign-in routes and the JSON API (`streamlit run server.py`).

`streamlit run` detects the `st.App` below and serves it with uvicorn; `app.py` stays the page script
(AppTest runs it directly).
"""

import streamlit as st

from intel.http import routes

app = st.App("app.py", routes=routes())
