"""Fixtures of the connector tests: the platform stand-ins (tests.platforms)."""

from tests.platforms import connector_settings, instagram_server, policy, tiktok_server, waits  # noqa: F401
