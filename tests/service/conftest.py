"""Fixtures shared by the façade tests."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from intel.accounts import auth
from intel.accounts.auth import SYSTEM, Identity
from intel.service import accounts

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(engine, database_url, make_runtime, installed_runtime, monkeypatch) -> dict[str, Identity]:
    """A runtime without Redis on the test database; an admin, a manager, and two agents ("agent", "other")."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    installed_runtime(make_runtime(database_url))
    found = {}
    for role, email in (("admin", "admin@agency.test"), ("manager", "manager@agency.test"),
                        ("agent", "agent@agency.test"), ("other", "other@agency.test")):
        stored = "agent" if role == "other" else role
        found[role] = Identity(accounts.create_user(SYSTEM, email, role, stored, PASSWORD), email, role, stored)
    return found
