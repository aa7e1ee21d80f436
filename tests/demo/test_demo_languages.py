"""The demo's non-English comment phrases are detected as the language they are written in.

These are natural comments by native speakers (intel.demo.text.LOCAL_BANKS); the talent page's language
shares are only as right as their detection. Languages below the bar today are strict xfails: a detector
change that lifts them fails here, so the marker is removed with it.
"""

from __future__ import annotations

import pytest

from intel.demo.text import LOCAL_BANKS
from intel.text.scoring import score_all

DETECTED_AT_LEAST = 0.8
_BELOW = pytest.mark.xfail(strict=True, reason="intel.text: short Romance-language comments default to English "
                                               "(e.g. 'no me gustó nada', 'che delusione', 'amei demais')")


@pytest.mark.parametrize("code", [pytest.param(c, marks=_BELOW) if c in ("pt", "es", "fr", "it") else c
                                  for c in LOCAL_BANKS])
def test_the_demo_phrases_of_a_language_are_detected_as_that_language(code: str) -> None:
    texts = [t for bank in LOCAL_BANKS[code] for t in bank]
    found = [s.language for s in score_all(texts)]
    wrong = [(t, f) for t, f in zip(texts, found, strict=True) if f != code]
    assert len(wrong) <= (1 - DETECTED_AT_LEAST) * len(texts), wrong
