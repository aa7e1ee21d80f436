"""The production argon2 parameters, as `intel.accounts.auth` built them at import (tests/conftest.py replaces
them with the lowest cost for every test; test_auth checks these once)."""

from __future__ import annotations

from tests.conftest import PRODUCTION_DUMMY_HASH, PRODUCTION_HASHER

__all__ = ["PRODUCTION_DUMMY_HASH", "PRODUCTION_HASHER"]
