"""The HTTP routes mounted next to Streamlit by `server.py` (Starlette): sign-in forms, sign-out, the sign-in
redirect middleware and the JSON API (`routes`).

May import `intel.service`, `intel.accounts`, `intel.runtime`, `intel.config` and `intel.errors`.
"""
