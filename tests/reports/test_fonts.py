"""Non-Latin text and emoji in the PDF: drawn with fonts that cover them, embedded, and extractable as text.

Needs the Debian fonts .ci/run installs (fonts-noto-cjk, fonts-noto-core, fonts-noto-color-emoji): without a
CJK font the Japanese is drawn as empty boxes, and the assertions on the embedded fonts fail.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update

from intel.accounts.auth import SYSTEM
from intel.db.engine import transaction
from intel.db.models import SocialPost
from intel.service.reports import build_report
from tests.factories import make_talent

JAPANESE, ARABIC, HINDI, EMOJI = "山田花子", "مرحبا بالعالم", "नमस्ते", "🌸"


@pytest.fixture
def rt(engine, database_url, make_runtime, installed_runtime):
    """The process runtime on the test database (embedded cache)."""
    return installed_runtime(make_runtime(database_url))


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb) per font of `pdf`, by pdffonts."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line.split() for line in lines[2:]]
    return [(row[0], row[-5]) for row in rows]  # name … emb sub uni object ID


def test_japanese_arabic_devanagari_and_emoji_reach_the_pdf_in_embedded_fonts(rt, engine, tmp_path):
    talent = make_talent(engine, name=f"{JAPANESE} {ARABIC} {EMOJI}")
    with transaction(engine) as s:
        s.execute(update(SocialPost).values(caption=f"新作 {JAPANESE} {ARABIC} {HINDI} {EMOJI}"))
    pdf = tmp_path / "kit.pdf"
    pdf.write_bytes(build_report(SYSTEM, talent, fmt="pdf"))

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert JAPANESE in text and "新作" in text
    assert all(word in text for word in ARABIC.split()), "the Arabic words, each in logical order"
    assert EMOJI in text
    embedded = fonts(pdf)
    assert embedded and all(emb == "yes" for _, emb in embedded), embedded
    names = " ".join(name for name, _ in embedded)
    assert "CJK" in names, names  # the Japanese is drawn by Noto Sans CJK, not as boxes in a Latin font
    assert "Devanagari" in names, names
    assert "Emoji" in names, names
    assert "DejaVu" in names, names  # Latin (and the Arabic: DejaVu Sans covers it) stays in the body font
