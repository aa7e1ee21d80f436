"""The entry points pages, the API and the CLI call: each takes an `Identity`, checks it, resolves the runtime
and calls the domain (`talents`: roster, talent pages, refresh, compare; `operations`: cache and data
operations; `ops`: the Ops page).

May import every domain package and `intel.runtime`; nothing in `intel` below it imports it.
"""
