"""The script `server.py` serves: runs the repository's app.py from a folder without a `pages/` sibling.

Streamlit treats a `pages/` folder next to the entrypoint as a legacy (v1) multipage app until some
session has called `st.navigation`: the first session after a start would get a sidebar built from
the files in pages/ and a deep link would run pages/<name>.py without app.py. The UI folder is named
pages/, so the entrypoint lives here, where no `pages/` is next to it.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
