"""The one Streamlit-side module: page chrome and turning intel errors into plain messages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from intel.config import ConfigError, get_settings
from intel.errors import IntelError

log = logging.getLogger("intel.ui")
DEMO_BANNER = "Demo Data — Not Real Analytics"


def boot() -> None:
    """Check configuration once per run; a bad setting stops the app with one clear line."""
    try:
        settings = get_settings()
    except ConfigError as exc:
        st.error(f"Configuration error: {exc}")
        st.stop()
    if settings.demo_mode:
        st.warning("Demo mode: every figure in this app comes from generated data.", icon="🎭")


@contextmanager
def shown_errors() -> Iterator[None]:
    """Run a block; an IntelError becomes st.error with its plain message, then the page stops."""
    try:
        yield
    except IntelError as exc:
        st.error(str(exc))
        st.stop()


def md_escape(text: str) -> str:
    """Escape Markdown so user text (names, captions) shows literally in markdown-rendering widgets."""
    specials = "\\`*_{}[]()#+-.!|<>~$"
    return "".join("\\" + ch if ch in specials else ch for ch in text)
