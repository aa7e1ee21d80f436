"""Every Markdown-rendering Streamlit call in the UI gets program text, numbers, or `plain(...)`.

Streamlit renders these bodies and labels as Markdown; a new call that passes user text straight in
(a name, an email, a file name, an exception's message) fails here before it reaches a browser.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py")])

# Bodies and labels rendered as Markdown in Streamlit 1.67 (first positional argument, or body=/label=).
SINKS = frozenset({
    "title", "header", "subheader", "caption", "markdown", "write", "error", "warning", "info", "success",
    "exception", "toast", "button", "form_submit_button", "download_button", "link_button", "page_link",
    "selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input", "text_area", "number_input",
    "date_input", "file_uploader", "metric", "expander", "popover", "tabs",
})
ESCAPES = frozenset({"plain", "md_escape"})
# Calls and attributes whose text is known to be program text, with the reason.
VETTED = {
    "views.freshness_text": "dates, durations and the cache store's name",
    "kpi.label": "fixed KPI names and platform names (imports accept only PLATFORMS)",
    "html.escape": "the sign-in link: our /auth/login route with the current path URL-quoted, inside raw HTML",
}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _static(node: ast.expr) -> bool:
    """True when `node` can only be program text or numbers (or is already escaped)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper()  # module constants such as DEMO_BANNER
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or v.format_spec is not None or _static(v.value)
                   for v in node.values if isinstance(v, (ast.Constant, ast.FormattedValue)))
    if isinstance(node, ast.IfExp):
        return _static(node.body) and _static(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_static(e) for e in node.elts)
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        return name in ESCAPES or name in VETTED or name == "len"
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        return True  # another module's constant, e.g. views.NO_DATA_TITLE
    return _dotted(node) in VETTED


def _sink_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute) and func.attr in SINKS:
        return func.attr
    if isinstance(func, ast.IfExp):  # (st.info if dry_run else st.success)(...)
        names = {_sink_name(func.body), _sink_name(func.orelse)}
        return next((n for n in names if n), None)
    return None


def unescaped_sinks(source: str) -> list[str]:
    """`line: call` for each Markdown sink whose text is not known to be safe."""
    return [f"{node.lineno}: {sink}({ast.unparse(text)})" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and (sink := _sink_name(node.func))
            for text in [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("body", "label"))]
            if not _static(text)]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_every_markdown_sink_gets_program_text_or_escaped_text(path):
    assert unescaped_sinks(path.read_text()) == []


@pytest.mark.parametrize("source", [
    "st.header(intel.talent_name)",
    "st.sidebar.caption(f'Signed in as {identity.display_name}')",
    "st.error(str(exc))",
    "st.toast(pending[0])",
    "(st.info if dry_run else st.success)(report.summary())",
    "left.metric(label, value)",
    "st.markdown(body=comment.text)",
])
def test_the_check_catches_user_text_passed_straight_in(source):
    assert unescaped_sinks(source)


@pytest.mark.parametrize("source", [
    "st.header(plain(intel.talent_name))",
    "st.warning(f'{report.refused:,} rows were refused.')",
    "st.caption(f'{len(frame)} of {len(rows)} talents')",
    "st.warning(DEMO_BANNER, icon='x')",
    "st.button('Refreshing…' if busy else 'Refresh')",
])
def test_the_check_accepts_program_text_numbers_and_escaped_text(source):
    assert not unescaped_sinks(source)
