"""The HTTP routes mounted next to Streamlit by `server.py` (Starlette): sign-in forms, sign-out, the sign-in
redirect middleware and the JSON API (`routes`), the Prometheus scrape endpoint (`scrape`), the platforms'
signed webhooks (`webhooks`), and Streamlit's front-end bundles compressed once and served with immutable
caching and preload hints (`static`).

May import `intel.service`, `intel.accounts`, `intel.runtime`, `intel.metrics`, `intel.config` and `intel.errors`.
"""
