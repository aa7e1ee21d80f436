"""Every module of `intel` and `bench` imports on its own (a broken import shows here, not at first use)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench
import intel

SKIPPED = ("__main__",)  # `python -m` entry points run their command when imported


def _modules() -> list[str]:
    names = []
    for package in (intel, bench):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            # Alembic loads migrations/env.py and its versions itself, inside a migration context
            if info.name.rpartition(".")[2] in SKIPPED or ".migrations" in info.name:
                continue
            names.append(info.name)
    return sorted(names)


def test_the_walk_finds_every_package() -> None:
    names = _modules()
    assert {"intel.cli", "intel.db.models", "intel.web.routes", "bench.runner", "bench.browser"} <= set(names)


@pytest.mark.parametrize("name", _modules())
def test_module_imports(name: str) -> None:
    importlib.import_module(name)
