"""Hand-made campaigns: a talent with known posts, snapshots and comments, and a campaign over them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from intel.campaigns.rules import normalise
from intel.db.campaigns import Campaign, CampaignTalent, Deliverable, TrackingRule
from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent

START, END = date(2026, 6, 1), date(2026, 6, 30)


def talent(session: Session, name: str = "Sofia", platform: str = "youtube", followers: int = 10_000
           ) -> tuple[Talent, SocialProfile]:
    """A talent with one profile and a flat follower count from March to July."""
    person = Talent(name=name, primary_handle=f"@{name.lower()}", category="beauty", tier="mid")
    profile = SocialProfile(talent=person, platform=platform, handle=name.lower(), account_id=f"{name}-{platform}")
    session.add_all([person, profile])
    session.flush()
    day = date(2026, 2, 20)
    while day <= date(2026, 7, 31):
        session.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=followers,
                                     captured_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC)))
        day += timedelta(days=1)
    session.flush()
    return person, profile


def post(session: Session, profile: SocialProfile, pid: str, at: datetime, *, caption: str = "", likes: int = 0,
         views: int | None = None, sponsored: bool = False, media_type: str = "video") -> SocialPost:
    """One post with `likes` interactions (no comments, shares or saves)."""
    row = SocialPost(profile_id=profile.id, platform=profile.platform, platform_post_id=pid, posted_at=at,
                     caption=caption, likes=likes, views=views, is_sponsored=sponsored, media_type=media_type)
    session.add(row)
    session.flush()
    return row


def comments(session: Session, target: SocialPost, labels: list[str]) -> None:
    """Scored audience comments on a post, one per label."""
    for i, label in enumerate(labels):
        score = {"positive": 0.6, "neutral": 0.0, "negative": -0.6}[label]
        session.add(Comment(post_id=target.id, platform_comment_id=f"{target.platform_post_id}-c{i}",
                            author_handle=f"fan{i}", text=f"{label} words", created_at=target.posted_at,
                            sentiment_score=score, sentiment_label=label, sentiment_engine="test"))
    session.flush()


def campaign(session: Session, talents: list[Talent], rules: list[tuple[str, str]], *, fee_minor: int | None = None,
             status: str = "live", currency: str = "EUR") -> Campaign:
    """A June campaign of Glow for these talents, with these tracking rules."""
    row = Campaign(brand="Glow", name="Summer", starts_on=START, ends_on=END, status=status, currency=currency)
    session.add(row)
    session.flush()
    for person in talents:
        session.add(CampaignTalent(campaign_id=row.id, talent_id=person.id, fee_minor=fee_minor))
    for kind, raw in rules:
        session.add(TrackingRule(campaign_id=row.id, kind=kind, value=normalise(kind, raw)))
    session.flush()
    session.refresh(row)
    return row


def deliverable(session: Session, row: Campaign, person: Talent, due: date, *, platform: str = "youtube",
                media_type: str = "video", count: int = 1) -> None:
    """A deliverable of `person` on the campaign."""
    link = next(t for t in row.talents if t.talent_id == person.id)
    session.add(Deliverable(campaign_talent_id=link.id, platform=platform, media_type=media_type, count=count,
                            due_on=due))
    session.flush()
