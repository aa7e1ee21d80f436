"""Comment languages as the talent page shows them: display names, a share chart and a sentiment table.

Language codes are ISO 639-1 as stored with each comment; a code without a name here is shown as it is
(escaped in the chart). Numbers stay numeric in the table (formatted by `LANGUAGE_COLUMNS`); a missing
figure is None, which the grid shows as its placeholder, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from intel.analytics.languages import MAIN_MIN_COMMENTS, MAIN_MIN_SHARE
from intel.analytics.result import LanguageShare, SocialIntelligence
from intel.views.charts import SERIES_COLORS, apply_layout, escape_text, metric_value, new_figure, no_data_figure
from intel.views.tables import number_column

# The languages the detector knows (intel.text.language.DETECTED), by ISO 639-1 code.
LANGUAGE_NAMES: Mapping[str, str] = {
    "ar": "Arabic", "bn": "Bengali", "ca": "Catalan", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "ms": "Malay",
    "nb": "Norwegian", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "th": "Thai", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}
NO_WORDS_LABEL = "No words (emoji only)"
NOT_DETECTED_LABEL = "Not detected"
NOT_DETECTED_NOTE = "scored before language detection; run `python -m intel sentiment rescore`"
NO_ENGINE_NOTE = "unavailable — no engine for this language"
OTHER_NAMES_SHOWN = 4
# Trusted text (the page renders it as Markdown): what the table's rows are.
LANGUAGES_CAPTION = (
    "Sentiment per language: positive / neutral / negative shares and mean score (0–1) of the scored comments, "
    f"with n. Main languages have at least {MAIN_MIN_SHARE:.0f}% of the audience comments and {MAIN_MIN_COMMENTS} "
    "comments; the others are grouped. "
    "A language without an engine is unavailable, never neutral."
)
SHARE_COLORS: Mapping[str, str] = {"main": SERIES_COLORS[0], "other": SERIES_COLORS[9], "no_words": SERIES_COLORS[6],
                                   "not_detected": "#A6A6A6"}
LANGUAGE_COLUMNS: Mapping[str, dict[str, Any]] = {
    "Comments": number_column("count", help="Audience comments in this language (talent's replies and spam "
                                            "excluded)"),
    "Share %": number_column("percent", help="Of all audience comments"),
    "Scored": number_column("count", help="Comments with a sentiment score"),
    "Mean score": number_column("score", help="Mean sentiment score 0–1 of the scored comments"),
    "Positive %": number_column("percent"), "Neutral %": number_column("percent"),
    "Negative %": number_column("percent"),
}


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("pt" → "Portuguese"); an unknown code as it is."""
    return LANGUAGE_NAMES.get(code, code)


def language_label(item: LanguageShare) -> str:
    """The row's display label (not escaped): a language's name, "Other languages (…)", no words, not detected."""
    if item.group == "no_words":
        return NO_WORDS_LABEL
    if item.group == "not_detected":
        return NOT_DETECTED_LABEL
    if item.group == "other":
        names = [language_name(c) for c in item.includes[:OTHER_NAMES_SHOWN]]
        more = ", …" if len(item.includes) > OTHER_NAMES_SHOWN else ""
        return f"Other languages ({', '.join(names)}{more})"
    return language_name(item.code or "")


def language_note(item: LanguageShare) -> str:
    """Why a row's sentiment is missing or partial ("" when it is complete)."""
    if item.group == "not_detected":
        return NOT_DETECTED_NOTE
    if not item.supported:
        return NO_ENGINE_NOTE
    if item.scored < item.comments:
        return f"{item.comments - item.scored:,} comments unscored: no engine for their language"
    return ""


def language_share_figure(intel: SocialIntelligence) -> go.Figure:
    """Share (%) of the audience comments per language, horizontal bars with the comment count."""
    title = "Comment languages"
    items = [i for i in intel.sentiment.languages.languages if metric_value(i.share) is not None]
    if not items:
        return no_data_figure(title)
    shares = [metric_value(i.share) or 0.0 for i in items]
    fig = new_figure(go.Bar(
        y=[escape_text(language_label(i)) for i in items], x=shares, orientation="h",
        marker_color=[SHARE_COLORS[i.group] for i in items],
        text=[f"{s:.1f}% · n = {i.comments:,}" for s, i in zip(shares, items, strict=True)],
        textposition="auto", customdata=[i.comments for i in items],
        hovertemplate="%{y}: %{x:.2f}% (%{customdata:,} comments)<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=f"Share of {intel.sentiment.languages.comments:,} audience comments",
                     ticksuffix="%", rangemode="tozero")
    return apply_layout(fig, title, l=_label_margin(items))


def _label_margin(items: list[LanguageShare]) -> int:
    """Left margin for the longest label (labels are known here, so no automargin pass)."""
    return min(320, 16 + 7 * max(len(language_label(i)) for i in items))


def languages_frame(intel: SocialIntelligence) -> pd.DataFrame:
    """One row per language (main languages first, then the groups): comments, share and sentiment with n."""
    items = intel.sentiment.languages.languages
    return pd.DataFrame({
        "Language": [language_label(i) for i in items],
        "Comments": [i.comments for i in items],
        "Share %": [metric_value(i.share) for i in items],
        "Scored": [i.scored for i in items],
        "Mean score": [metric_value(i.score) for i in items],
        "Positive %": [metric_value(i.shares.positive) for i in items],
        "Neutral %": [metric_value(i.shares.neutral) for i in items],
        "Negative %": [metric_value(i.shares.negative) for i in items],
        "Note": [language_note(i) for i in items],
    })
