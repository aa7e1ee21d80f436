"""Talent social intelligence: the domain package behind the Streamlit dashboard.

This package never imports streamlit; pages call its functions and render their results.

Public API: `from intel import get_social_intelligence, refresh_social_intelligence` (the service
functions in `intel.service.talents`). They are resolved on first use, so `import intel` alone builds
no runtime and imports neither pandas nor plotly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intel.service.talents import get_social_intelligence, refresh_social_intelligence

__version__ = "0.1.0"
__all__ = ["get_social_intelligence", "refresh_social_intelligence"]

# public name -> the module that defines it
_LAZY = {"get_social_intelligence": "intel.service.talents", "refresh_social_intelligence": "intel.service.talents"}


def __getattr__(name: str) -> Any:
    """Import a public function's module on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'intel' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
