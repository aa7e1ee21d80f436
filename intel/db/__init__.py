"""Persistence: the typed ORM (`models`), engines, sessions and bulk writes (`engine`), and Alembic migrations
(`migrate`, `migrations/`).

May import `intel.config` and `intel.errors` only: it is the bottom layer.
"""
