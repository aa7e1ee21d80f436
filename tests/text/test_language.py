"""Each caption's and comment's language, and the engine it is scored with, as an agent relies on them."""

import pytest

from intel.text.scoring import BLANK, TextScore, engine_version, score_all, score_one

# One natural comment per supported language. Labels are not asserted one by one: the model's quality is
# the benchmark bar in test_multilingual_eval.py (it misreads some short comments; see the model card).
COMMENTS = [
    ("مبروك يا بطل، فخورين فيك جدا", "ar"),
    ("What a beautiful video, you made my day!", "en"),
    ("J'adore cette vidéo, tu es vraiment géniale", "fr"),
    ("Das ist wirklich ein tolles Video, danke dir", "de"),
    ("yaar kya mast video banaya hai bhai, maza aa gaya", "hi"),
    ("Che schifo, non ti seguirò più", "it"),
    ("Que vídeo incrível, amei demais essa música", "pt"),
    ("Me encanta tu contenido, sigue así", "es"),
]


@pytest.mark.parametrize(("text", "code"), COMMENTS, ids=[c for _, c in COMMENTS])
def test_each_supported_language_is_detected_and_scored(text: str, code: str) -> None:
    result = score_one(text)
    assert result.language == code
    assert result.language_confidence is not None and 0.0 <= result.language_confidence <= 1.0
    assert result.score is not None and 0.0 <= result.score <= 1.0
    assert result.label in ("positive", "neutral", "negative")


def test_emoji_only_is_no_words_and_read_by_the_emoji_aware_engine() -> None:
    praise, anger = score_one("😍😍🔥"), score_one("😡👎")
    assert praise.language == anger.language == "zxx"
    assert praise.label == "positive" and anger.label == "negative"


def test_a_mixed_comment_takes_its_main_language_and_still_reads_english_and_emoji() -> None:
    result = score_one("Me encanta esta canción, it's so good 😍")
    assert result.language in ("es", "en")
    assert result.label == "positive"


UNSUPPORTED = ["かわいい！最高です", "Это просто потрясающе, спасибо", "Wat een mooie video, echt geweldig"]


@pytest.mark.parametrize("text", UNSUPPORTED)
def test_an_unsupported_language_is_unavailable_not_neutral(text: str) -> None:
    result = score_one(text)
    assert result.language not in (None, "en", "zxx")
    assert result.score is None and result.label is None


def test_devanagari_hindi_is_detected_but_unavailable_the_model_knows_romanised_hindi_only() -> None:
    result = score_one("यह वीडियो बहुत अच्छा है")
    assert result.language == "hi"
    assert result.score is None and result.label is None


@pytest.mark.parametrize("text", ["so good", "love love love", "Which one is your favorite?", "L take", "first"])
def test_short_english_stays_english(text: str) -> None:
    assert score_one(text).language == "en"


def test_blank_text_is_neutral_without_a_language() -> None:
    assert score_all([None, "", "   "]) == [BLANK, BLANK, BLANK]
    assert TextScore(0.5, "neutral", None, None) == BLANK


def test_a_batch_equals_one_by_one_and_repeats_agree() -> None:
    texts = [c[0] for c in COMMENTS] + ["so good", "so good", "😍"]
    assert score_all(texts) == [score_one(t) for t in texts]


def test_the_engine_version_names_the_model_and_the_english_engine_and_fits_its_column() -> None:
    version = engine_version()
    assert version.startswith("umsab-lr-") and "+blend-vader-" in version
    assert len(version) <= 64
