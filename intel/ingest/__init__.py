"""Importing real data from CSV and JSON Lines files: reading (`read`), text encodings and their advice
(`encoding`), row parsing and validation (`parse`), reference resolution (`refs`), sentiment scoring of new
texts (`score`), batch-atomic idempotent upserts (`write`) and the import run with its report (`importer`).

May import `intel.text`, `intel.accounts` (audit), `intel.db`, `intel.metrics`, `intel.config` and `intel.errors`.
"""
