"""`plain(text)`: any text, put in a Markdown-rendering element, shows as that text and nothing else."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intel.views.text import WORD_JOINER, plain
from tests.markdown import HOSTILE, rendered, rendered_text, streamlit_markup


def expected_text(text: str) -> str:
    """What a browser shows for `text`: line breaks kept, spaces at the ends of lines dropped."""
    return "\n".join(line.strip() for line in re.split(r"\r\n|\r|\n", text)).strip("\n")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_one_paragraph_of_exactly_that_text(text):
    html = rendered(plain(text))
    assert set(re.findall(r"</?(\w+)", html)) <= {"p"}, html
    assert rendered_text(plain(text)) == text


@pytest.mark.parametrize("char", string.punctuation)
@pytest.mark.parametrize("template", ["{c}", "{c}{c}{c}", "{c} x", "x{c}x{c}x", "{c}x{c}", "1{c} x", "x\n{c}{c}{c}",
                                      "[{c}]({c})", "<{c}>"])
def test_every_punctuation_character_shows_literally_wherever_it_stands(char, template):
    text = template.format(c=char)
    html = rendered(plain(text))
    assert set(re.findall(r"</?(\w+)", html)) <= {"p", "br"}, html
    assert rendered_text(plain(text)) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("  indented four\n    spaces", "indented four\nspaces"),  # never a code block
    ("\n\nfirst\n\n\nlast\n  \n", "first\n\n\nlast"),  # never a trailing backslash or new paragraph
    ("a\r\nb\rc", "a\nb\nc"),
    ("x\\", "x\\"),
    ("x\\\ny", "x\\\ny"),
])
def test_line_breaks_stay_line_breaks_and_indentation_never_makes_a_block(text, shown):
    html = rendered(plain(text))
    assert set(re.findall(r"</?(\w+)", html)) <= {"p", "br"}, html
    assert rendered_text(plain(text)) == shown


@pytest.mark.parametrize("text", [*HOSTILE, "a -> b <- c -- d <-> e >= f <= g ~= h", ":streamlit: :smile: :+1: :-1:",
                                  "mail a@b.co or WWW.EVIL.EXAMPLE or HTTP://EVIL.EXAMPLE", "x:smile:"])
def test_no_streamlit_directive_math_icon_emoji_autolink_or_arrow_survives(text):
    assert not streamlit_markup(plain(text))


def test_ordinary_text_only_gains_backslashes_and_a_url_a_word_joiner():
    assert plain("Ada Lovelace, born 1815 (London).") == r"Ada Lovelace\, born 1815 \(London\)\."
    assert plain("https://x.example") == f"https\\:{WORD_JOINER}\\/\\/x\\.example"


def test_plain_is_exported_under_the_former_wiring_name():
    import pages._wiring as wiring

    assert wiring.md_escape is plain


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
       | st.text(string.printable, max_size=60))
def test_any_text_renders_as_exactly_itself_with_no_markup(text):
    html = rendered(plain(text))
    assert set(re.findall(r"</?(\w+)", html)) <= {"p", "br"}, html
    assert rendered_text(plain(text)) == expected_text(text)
    assert not streamlit_markup(plain(text))
