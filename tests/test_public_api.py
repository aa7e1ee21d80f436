"""`from intel import get_social_intelligence, refresh_social_intelligence`: the public API, resolved lazily."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import intel
import intel.service.talents as talents

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "plotly", "sqlalchemy", "streamlit", "intel.runtime", "intel.service", "intel.analytics")


def test_the_two_public_names_are_the_service_functions() -> None:
    from intel import get_social_intelligence, refresh_social_intelligence

    assert get_social_intelligence is talents.get_social_intelligence
    assert refresh_social_intelligence is talents.refresh_social_intelligence
    assert set(intel.__all__) <= set(dir(intel))


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        intel.no_such_function  # noqa: B018
    except AttributeError as exc:
        assert "no_such_function" in str(exc)
    else:
        raise AssertionError("intel.no_such_function resolved")


def test_import_intel_alone_builds_no_runtime_and_imports_no_heavy_library() -> None:
    probe = f"import json, sys, intel; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    assert json.loads(done.stdout) == []  # so no intel.runtime either: no engine, no store, no provider
