"""Platform connectors: one client module per platform behind one small interface (`base`; `instagram`,
`tiktok` over the shared HTTP helper `http`), token encryption at rest (`crypto`), token lifetimes
(`tokens`: exchange, refresh before expiry, revocation), quota accounting (`quota`), OAuth authorisation
(`oauth`), linking an account to a talent (`profiles`), the registry's openers of the OAuth connectors
(`openers`) and the sync of one profile into the database through the importer's validated, idempotent
upsert path (`sync`).

Nothing here knows about the cache, the job queue or the web: the sync returns which talents changed and
its caller (`intel.jobs`) invalidates and recomputes them.

May import `intel.ingest`, `intel.text`, `intel.accounts`, `intel.db`, `intel.metrics`, `intel.config` and
`intel.errors`.
"""
