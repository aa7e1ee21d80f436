"""User text for Markdown-rendering Streamlit elements, so that it shows literally (pure: no streamlit).

Streamlit renders the body of st.header/caption/markdown/error/success/info/warning/toast and of most
widget labels as Markdown (CommonMark + GFM + its own directives, math and emoji). `plain(text)` turns
any text into Markdown that displays as that text and nothing else: no link, image, formatting, colour,
icon, emoji, formula or HTML. It is the only escape of the app; pages wrap every user-supplied string
(names, emails, file and column names, exception texts) in it, or show it through a non-Markdown
element (st.text, st.code, dataframe cells, selectbox/multiselect options).
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape every ASCII punctuation character, and only those.
_PUNCTUATION = frozenset(string.punctuation)
WORD_JOINER = "\u2060"  # invisible, zero width, no line break opportunity

# Streamlit 1.67's renderer also rewrites *text nodes*, after escapes are resolved, so escaping cannot
# stop these (checked in Chromium): GFM literal autolinks (`https://…`, `www.…`, `a@b.c`), `:streamlit:`
# (a logo image), `:shortcode:` emoji, `:material_x:` icons and typographic arrows (`a -> b` → `a → b`).
# A word joiner inside each pattern breaks the match without changing what is seen.
_JS_SPACE = r"[\s\ufeff]"  # JavaScript's \s also matches U+FEFF
_JOIN_AFTER = re.compile(r":(?=[\w+\-/])|www(?=\.)|@", re.IGNORECASE)
_JOIN_INSIDE = re.compile(rf"(?:^|(?<={_JS_SPACE}))(?:<->|->|<-|--|>=|<=|~=)(?={_JS_SPACE}|$)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
HARD_BREAK = "\\\n"  # backslash + newline: a line break inside the paragraph, never a new block


def plain(text: str) -> str:
    """Markdown that Streamlit shows as exactly `text` (line breaks kept, space at line ends dropped)."""
    lines = [line.strip() for line in _LINE_BREAK.split(str(text))]
    while lines and not lines[-1]:
        lines.pop()  # a trailing hard break would show as a literal backslash
    while lines and not lines[0]:
        lines.pop(0)
    return HARD_BREAK.join(_plain_line(line) for line in lines)


def _plain_line(line: str) -> str:
    joins = {m.end() for m in _JOIN_AFTER.finditer(line)} | {m.start() + 1 for m in _JOIN_INSIDE.finditer(line)}
    out = []
    for i, ch in enumerate(line):
        if i in joins:
            out.append(WORD_JOINER)
        out.append("\\" + ch if ch in _PUNCTUATION else ch)
    return "".join(out)
