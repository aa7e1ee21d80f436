"""Importing real data from CSV and JSON Lines files: reading (`read`), text encodings and their advice
(`encoding`), row parsing and validation (`parse`), reference resolution (`refs`), sentiment scoring of new
texts (`score`), batch-atomic idempotent upserts (`write`), the campaign kinds and their writer
(`campaign_kinds`, `campaign_write`) and the import run with its report (`importer`).

May import `intel.text`, `intel.campaigns.rules` and `intel.campaigns.money` (pure: rule and fee parsing),
`intel.accounts` (audit), `intel.db`, `intel.metrics`, `intel.config` and `intel.errors`.
"""
