"""Real argon2id at its lowest cost for the account tests: they are about sessions, lockout and access, not
hashing strength (the production parameters are checked once, in test_auth)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from intel.accounts import auth

PRODUCTION_HASHER = auth._hasher  # as imported, before any test replaced it
PRODUCTION_DUMMY_HASH = auth._DUMMY_HASH


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", cheap)
    monkeypatch.setattr(auth, "_DUMMY_HASH", cheap.hash("no such user"))
