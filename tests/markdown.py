"""Hostile user strings and a CommonMark renderer, to check what a Markdown-rendering element shows."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from intel.views.text import WORD_JOINER

# Each would be a link, an image, formatting, a colour, an icon, a formula or an entity if taken as Markdown.
HOSTILE: tuple[str, ...] = (
    "[x](https://evil.example)",
    "![](http://x/y.png)",
    ":red[x]",
    "<b>x</b>",
    "**x**",
    ":material/home:",
    "$x^2$",
    "https://evil.example",
    "&lt;b&gt;",
)

# Streamlit 1.67's frontend rewrites text nodes with these after escapes are resolved
# (StreamlitMarkdown.*.js, remark-emoji, mdast-util-gfm-autolink-literal).
STREAMLIT_TEXT_REWRITES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE),  # GFM literal autolinks
    re.compile(r"[-.\w+]+@[-\w]+(\.[-\w]+)+"),  # GFM literal email autolinks
    re.compile(r":streamlit:"),  # the Streamlit logo image
    re.compile(r":[\w+-]+:"),  # emoji shortcodes
    re.compile(r":material_\w+:|:material/"),  # Material icons
    re.compile(r"(^|[\s\ufeff])(<->|->|<-|--|>=|<=|~=)([\s\ufeff]|$)"),  # typographic arrows and dashes
)
_UNESCAPED = r"(?<!\\)(?:\\\\)*"  # preceded by an even number of backslashes
# Streamlit's syntax on top of CommonMark: directives (`:red[x]`, `:material/x:`) and math (`$x$`).
STREAMLIT_SYNTAX: tuple[re.Pattern[str], ...] = (
    re.compile(_UNESCAPED + r":[A-Za-z]"),
    re.compile(_UNESCAPED + r"\$"),
    re.compile(r":material/"),  # replaced in the raw source, before parsing
)

# CommonMark with raw HTML on (so HTML that got through shows as tags) plus GFM tables and strikethrough.
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def rendered(markdown: str) -> str:
    """The HTML a CommonMark renderer makes of `markdown`."""
    return _MARKDOWN.render(markdown)


def rendered_text(markdown: str, *, keep_joiners: bool = False) -> str:
    """The text a reader sees when `markdown` is rendered (one paragraph expected; line breaks as \\n)."""
    out = rendered(markdown).strip()
    assert out.count("<p>") <= 1, f"more than one paragraph: {out!r}"
    out = re.sub(r"</?p>", "", out.replace("<br />\n", "\n"))
    assert "<" not in out, f"markup left: {out!r}"
    text = html.unescape(out)
    return text if keep_joiners else text.replace(WORD_JOINER, "")


def streamlit_markup(markdown: str) -> list[str]:
    """The Streamlit-only constructs (directives, math, icons, emoji, autolinks…) `markdown` would trigger."""
    text = rendered_text(markdown, keep_joiners=True)
    return ([p.pattern for p in STREAMLIT_SYNTAX if p.search(markdown)]
            + [p.pattern for p in STREAMLIT_TEXT_REWRITES if p.search(text)])


def shown(markdown: str) -> str:
    """What an element whose body is `markdown` (e.g. `at.error[0].value`) shows, as text."""
    return rendered_text(markdown)
