"""Benchmarks of the product, outside it: `python -m bench [--scale small|medium|large] [--json FILE]`.

Owns the bench database seeding (`seed`), the measurements (`runner`, `sim`; `ingest`, `sync_youtube` and
`report_build` measure in a spawned child process, `child`), the Streamlit-side page timing (`page_timing`,
run in a subprocess) and the Chromium rows (`browser`, `browser_rows`, `browser_pages`, `cdp`,
`browser_report`; the hello page `hello_app`). May import `intel` (its public packages and the composition
root); `intel` never imports this package.
"""
