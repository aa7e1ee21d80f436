"""Comment languages: each language's share of the audience comments and its sentiment (pure pandas).

The rows come from the facts' per-language counts (`TalentFacts.comment_languages`). A main language has
at least MAIN_MIN_SHARE % of the audience comments and MAIN_MIN_COMMENTS comments; the smaller languages
are one "other languages" group. Emoji-only comments (`zxx`) and comments without a detected language
(NULL: stored before language detection, or blank) are groups of their own, never a main language.
"""

from __future__ import annotations

import pandas as pd

from intel.analytics.result import CommentLanguages, LanguageGroup, LanguageShare, Shares, metric
from intel.text.language import NO_WORDS, SUPPORTED

MAIN_MIN_SHARE, MAIN_MIN_COMMENTS = 5.0, 10
_COUNTS = ("comments", "scored", "score_sum", "positive", "neutral", "negative")

METHOD = {
    "comment_languages": (
        "Share of audience comments (the talent's replies and spam excluded) per language detected when the "
        f"comment was stored. Main languages have ≥ {MAIN_MIN_SHARE:.0f}% of those comments and ≥ "
        f"{MAIN_MIN_COMMENTS} comments; smaller ones are grouped as other languages. Sentiment per language is "
        "the mean score and label shares of its scored comments; a language no engine scores is unavailable, "
        "never neutral. Not detected: comments stored before language detection (or blank)."
    ),
}


def comment_languages(rows: pd.DataFrame) -> CommentLanguages:
    """Shares and sentiment of the comment languages, from per-language counts."""
    counts = _by_code(rows)
    total = int(counts["comments"].sum())
    main: list[str] = []
    other: list[str] = []
    for code, row in counts.sort_values(["comments", "code"], ascending=[False, True]).iterrows():
        if code in (NO_WORDS, ""):
            continue
        is_main = row["comments"] >= MAIN_MIN_COMMENTS and row["comments"] / total * 100 >= MAIN_MIN_SHARE
        (main if is_main else other).append(str(code))
    languages = [_share("main", code, (code,), counts.loc[[code]], total) for code in main]
    if other:
        languages.append(_share("other", None, tuple(other), counts.loc[other], total))
    groups: tuple[tuple[LanguageGroup, str], ...] = (("no_words", NO_WORDS), ("not_detected", ""))
    for group, code in groups:
        if code in counts.index:
            languages.append(_share(group, code or None, (), counts.loc[[code]], total))
    return CommentLanguages(comments=total, languages=tuple(languages))


def _by_code(rows: pd.DataFrame) -> pd.DataFrame:
    """The counts per language code ("" for not detected), rows without comments dropped."""
    frame = rows.assign(code=rows["language"].fillna("").astype(str)) if len(rows) else \
        pd.DataFrame(columns=["code", *_COUNTS])
    counts = frame.groupby("code")[list(_COUNTS)].sum().astype(float)
    return counts[counts["comments"] > 0]


def _share(group: LanguageGroup, code: str | None, includes: tuple[str, ...], part: pd.DataFrame,
           total: int) -> LanguageShare:
    sums = part.sum()
    n, scored = int(sums["comments"]), int(sums["scored"])
    basis = "% of scored comments in this language"

    def label_share(label: str) -> float | None:
        return float(sums[label]) / scored * 100 if scored else None

    return LanguageShare(
        group=group, code=code, includes=includes if group == "other" else (), comments=n,
        share=metric(n / total * 100 if total else None, total, "% of audience comments"),
        supported=group == "not_detected" or any(c in SUPPORTED or c == NO_WORDS for c in (code, *includes)),
        scored=scored,
        score=metric(float(sums["score_sum"]) / scored if scored else None, scored, "mean score of scored comments"),
        shares=Shares(positive=metric(label_share("positive"), scored, basis),
                      neutral=metric(label_share("neutral"), scored, basis),
                      negative=metric(label_share("negative"), scored, basis)),
    )
