"""Deterministic synthetic facts for a demo-roster talent (Talent.is_demo) with no connected accounts.

Sales walkthroughs on the demo database need every demo talent to show a full page; such a talent
gets these instead of blanks, flagged is_demo (every figure computed from them is `estimated`) and
labelled "Demo Data — Not Real Analytics" by the UI. A real talent never gets them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pandas as pd

from intel.analytics.facts import LANGUAGE_COLUMNS, TalentFacts

DAYS, POSTS = 180, 72
PLATFORMS = (("instagram", "image"), ("tiktok", "video"))
POSITIVE = ("Obsessed with this!", "You always deliver 🔥", "Best video this month", "Love the energy 😍",
            "This made my day")
# Share of the scored audience comments per language (English takes the rest), for the language section.
LANGUAGE_MIX = (("es", 0.10), ("pt", 0.06), ("zxx", 0.08), ("fr", 0.02))
NEGATIVE = ("Too many ads lately", "Not your best work", "Audio is terrible", "This was boring",
            "Unfollowing, sorry")


def demo_facts(talent_id: int, talent_name: str, now: datetime, timezone: str = "UTC") -> TalentFacts:
    """Synthetic but plausible facts, the same for the same talent id and day (best time shown in `timezone`)."""
    rng = random.Random(f"demo-intel:{talent_id}")
    today = pd.Timestamp(now.date())
    profiles = pd.DataFrame([
        {"id": -(i + 1), "platform": p, "handle": f"demo_{talent_id}_{p}", "connected": True,
         "last_synced_at": pd.Timestamp(now) - pd.Timedelta(hours=2), "is_demo": True}
        for i, (p, _) in enumerate(PLATFORMS)
    ])
    snapshots = _snapshots(rng, today)
    posts = _posts(rng, now)
    return TalentFacts(
        talent_id=talent_id, talent_name=talent_name, is_demo=True, profiles=profiles,
        snapshots=snapshots, posts=posts, comment_days=_days(posts), extreme_comments=_extremes(rng, now),
        timezone=timezone, comment_languages=_languages(posts),
    )


def _snapshots(rng: random.Random, today: pd.Timestamp) -> pd.DataFrame:
    rows = []
    for i, (platform, _) in enumerate(PLATFORMS):
        followers = rng.randint(20_000, 400_000)
        for day in range(DAYS, -1, -1):
            followers = int(followers * (1 + rng.gauss(0.002, 0.002)))
            rows.append({"profile_id": -(i + 1), "platform": platform,
                         "day": today - pd.Timedelta(days=day), "followers": followers})
    return pd.DataFrame(rows)


def _posts(rng: random.Random, now: datetime) -> pd.DataFrame:
    rows = []
    for n in range(POSTS):
        i = n % len(PLATFORMS)
        platform, media = PLATFORMS[i]
        posted = now - timedelta(days=rng.uniform(0.5, DAYS - 1), hours=0)
        likes = rng.randint(800, 20_000)
        scored = rng.randint(5, 40)
        pos, neg = int(scored * rng.uniform(0.4, 0.7)), int(scored * rng.uniform(0.05, 0.2))
        rows.append({
            "id": -(n + 1), "profile_id": -(i + 1), "platform": platform, "platform_post_id": f"demo-{n}",
            "posted_at": posted, "media_type": media, "caption": f"Demo post {n} #demo",
            "likes": likes, "comments": likes // rng.randint(20, 60), "shares": likes // rng.randint(30, 90),
            "saves": likes // rng.randint(15, 50),
            "views": likes * rng.randint(8, 25) if platform == "tiktok" else None,
            "is_sponsored": rng.random() < 0.15, "sentiment_score": round(rng.uniform(0.45, 0.9), 4),
            "sentiment_label": "positive", "c_fetched": scored + 2, "c_audience": scored + 1, "c_replies": 1,
            "c_scored": scored, "c_sum_score": round(pos * 0.85 + (scored - pos - neg) * 0.5 + neg * 0.15, 4),
            "c_pos": pos, "c_neu": scored - pos - neg, "c_neg": neg, "c_spam": 1, "c_emoji_only": rng.randint(0, 3),
            "c_generic": rng.randint(0, 4),
        })
    frame = pd.DataFrame(rows).sort_values("posted_at", ignore_index=True)
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True)
    return frame


def _days(posts: pd.DataFrame) -> pd.DataFrame:
    day = posts["posted_at"].dt.tz_convert(None).dt.normalize()
    grouped = posts.assign(day=day).groupby("day")[["c_scored", "c_sum_score", "c_pos", "c_neu", "c_neg"]].sum()
    grouped.columns = ["n_scored", "sum_score", "n_pos", "n_neu", "n_neg"]
    return grouped.reset_index()


def _languages(posts: pd.DataFrame) -> pd.DataFrame:
    """The posts' scored comments split by LANGUAGE_MIX (every demo comment is scored, spam aside)."""
    totals = {c: float(posts[f"c_{k}"].sum()) for c, k in (("comments", "scored"), ("scored", "scored"),
              ("score_sum", "sum_score"), ("positive", "pos"), ("neutral", "neu"), ("negative", "neg"))}
    rows, left = [], dict(totals)
    for code, fraction in LANGUAGE_MIX:
        part = {k: (round(v * fraction, 4) if k == "score_sum" else int(v * fraction)) for k, v in totals.items()}
        part["comments"] = part["scored"] = part["positive"] + part["neutral"] + part["negative"]
        rows.append({"language": code, **part})
        left = {k: left[k] - part[k] for k in left}
    rows.append({"language": "en", **left})
    return pd.DataFrame(rows, columns=list(LANGUAGE_COLUMNS))


def _extremes(rng: random.Random, now: datetime) -> list[dict[str, object]]:
    rows = []
    for extreme, texts, base in (("positive", POSITIVE, 0.9), ("negative", NEGATIVE, 0.1)):
        for k, text in enumerate(texts):
            rows.append({
                "text": text, "author_handle": f"fan{rng.randint(100, 999)}",
                "created_at": (now - timedelta(days=rng.randint(1, 60))).isoformat(),
                "sentiment_score": base - 0.01 * k if extreme == "positive" else base + 0.01 * k,
                "sentiment_label": extreme, "platform": "instagram", "platform_post_id": f"demo-{k}",
                "extreme": extreme,
            })
    return rows
