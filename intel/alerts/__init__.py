"""Alerts and weekly digests: the rules (`rules` over SocialIntelligence values, `db_rules` over the database,
`engagement` the engagement drop over a platform's posts), thresholds with per-talent overrides (`thresholds`),
evaluation after each computation (`evaluate`), who hears of a talent (`recipients`), the delivery outbox with
idempotent keys, quiet hours and retries (`outbox`), the email and webhook channels (`email`, `webhook`) and the
weekly digest (`digest`).

May import `intel.campaigns` (deliverable and backlash events), `intel.analytics`, `intel.connectors.crypto`
(webhook URLs are encrypted at rest), `intel.db`, `intel.metrics`, `intel.config` and `intel.errors`.
"""
