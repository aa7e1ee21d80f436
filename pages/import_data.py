"""Import (admins): upload a CSV or JSON Lines export; refused rows come back as a CSV to fix."""

import pandas as pd
import streamlit as st

from intel.ingest import importer as ingest
from intel.service import imports
from intel.views.text import plain
from pages._wiring import page_start, shown_errors

identity = page_start("import")
st.title("Import data", anchor=False)
st.caption("Columns per kind are documented in docs/import.md. Import talents first, then profiles, then "
           "snapshots and posts, then comments. Re-importing a file updates it; nothing is duplicated.")

kind = st.selectbox("What the file holds", list(ingest.KINDS), key="import_kind")
upload = st.file_uploader("File (CSV or JSON Lines)", type=["csv", "jsonl", "json", "txt"], key="import_file")
mapping = st.text_input("Column mapping (optional)", placeholder="platform_post_id=id,posted_at=timestamp",
                        key="import_map")
ENCODINGS = {"UTF-8": None, "cp1252 (Windows-1252 / Latin-1)": "cp1252"}
encoding = st.selectbox("Text encoding", list(ENCODINGS), key="import_encoding",
                        help="UTF-8 unless the import says the file looks like Latin-1 / Windows-1252")
dry_run = st.checkbox("Dry run: check the file without writing", key="import_dry_run")

if upload is not None and st.button("Import", type="primary", key="import_go"):
    bar = st.progress(0.0, text="Reading…")

    def progress(p: ingest.Progress) -> None:
        """Move the bar with the bytes read."""
        share = p.bytes_read / p.total_bytes if p.total_bytes else 0.0
        bar.progress(min(share, 1.0), text=f"{p.rows:,} rows read, {p.refused:,} refused")

    with shown_errors():
        report = imports.import_file(identity, kind, upload, mapping=mapping or None, dry_run=dry_run,
                                     progress=progress, encoding=ENCODINGS[encoding])
    bar.progress(1.0, text="Done")
    (st.info if dry_run else st.success)(plain(report.summary()))  # file name: user text
    if report.refused:
        st.warning(f"{report.refused:,} rows were refused. Fix them in the error file and import it again.")
        st.dataframe(pd.DataFrame([e.__dict__ for e in report.errors]), hide_index=True, key="import_errors")
        errors_csv = report.error_file_bytes()
        if errors_csv:
            jsonl = report.format == "jsonl"
            st.download_button("Download refused rows", errors_csv, file_name=report.error_file_name,
                               mime="application/x-ndjson" if jsonl else "text/csv", key="import_errors_csv",
                               on_click="ignore")
