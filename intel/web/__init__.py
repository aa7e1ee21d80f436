"""The HTTP routes mounted next to Streamlit by `server.py` (Starlette): sign-in forms, sign-out, the sign-in
redirect middleware and the JSON API (`routes`), and the Prometheus scrape endpoint (`scrape`).

May import `intel.service`, `intel.accounts`, `intel.runtime`, `intel.metrics`, `intel.config` and `intel.errors`.
"""
