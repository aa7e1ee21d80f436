"""The hello page served as the dashboard is: `st.App` with the same compressed, preloaded front-end bundles.

So the browser rows compare what the talent page itself costs, not how its server sends Streamlit's
JavaScript: both pages get the copy `python -m intel static build` wrote (plain Streamlit when none).
"""

import streamlit as st

from intel.config import get_settings
from intel.web import static

app = st.App("hello_app.py", middleware=static.middleware(get_settings().static_dir))
