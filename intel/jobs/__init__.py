"""Background jobs on Dramatiq over the shared Redis: syncing connected profiles (`sync_jobs`), choosing which
are due (`schedule`), and the in-process fallback when no Redis is configured. After a sync changes a
talent, its cached intelligence is invalidated and recomputed through the provider.

May import `intel.connectors`, `intel.cache`, `intel.runtime`, `intel.accounts`, `intel.db`, `intel.metrics`,
`intel.config` and `intel.errors`.
"""
