"""Background jobs on Dramatiq over the shared Redis: the broker and job declarations (`broker`), syncing
connected profiles (`sync_jobs`), choosing which are due and requesting syncs, with the in-process fallback
when no Redis is configured (`schedule`), verified webhook notifications (`notifications`), YouTube push
subscriptions (`push`) and `python -m intel worker` (`worker`). After a sync changes a talent, its cached
intelligence is invalidated and recomputed through the provider. An entry layer: its jobs run in worker
processes and resolve the runtime themselves.

May import `intel.alerts` (delivering the outbox, the weekly digest), `intel.connectors`, `intel.campaigns`
(attribution after a sync), `intel.cache`, `intel.runtime`, `intel.accounts`, `intel.db`, `intel.metrics`,
`intel.config` and `intel.errors`.
"""
