"""People and what they may do: identities, passwords, sign-in sessions, lockout and API tokens (`auth`), account
administration (`users`), capabilities and talent visibility (`access`) and the audit log (`audit`).

May import `intel.db`, `intel.cache.store` (lockout counters), `intel.config` and `intel.errors`.
"""
