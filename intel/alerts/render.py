"""What an alert says on each channel: an email (subject, plain text, HTML) and a Slack-compatible webhook body.

Rendered once, when the delivery is queued, so a retry sends the very same message. The HTML is autoescaped
(talent names and messages are user text); the webhook body uses plain_text blocks and `mrkdwn: false`, so
Slack renders no formatting or links from user text either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from intel.db.alerts import Alert

TEMPLATES = Path(__file__).resolve().parent / "templates"
RULE_NAMES: dict[str, str] = {
    "negative_comments": "Negative comments", "follower_drop": "Follower drop", "engagement_drop": "Engagement drop",
    "spam_surge": "Spam surge", "stale_data": "Stale data", "sync_failing": "Sync failing",
    "deliverable_overdue": "Deliverable overdue", "campaign_backlash": "Campaign backlash",
}
SLACK_HEADER_MAX = 150  # Slack's limit on a header block's text


@dataclass(frozen=True)
class AlertView:
    """The facts of one alert as every channel words them, in the reader's zone."""

    talent_name: str
    rule: str
    title: str
    message: str
    level: int
    raised_local: str
    figures: list[tuple[str, str]]
    talent_link: str | None
    settings_link: str | None
    is_demo: bool


@cache
def environment() -> Environment:
    """Templates: `.html.j2` autoescaped, `.txt.j2` plain text."""
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True,
                       autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False))


def alert_view(alert: Alert, talent_name: str, zone: str, public_url: str | None) -> AlertView:
    """The alert in the reader's zone, with links when the dashboard's public URL is known."""
    raised = alert.raised_at.astimezone(ZoneInfo(zone))
    return AlertView(talent_name, RULE_NAMES.get(alert.rule, alert.rule), alert.title, alert.message, alert.level,
                     f"{raised:%a %d %b %Y %H:%M} ({zone})", figure_lines(alert.figures),
                     f"{public_url}/talent?talent={alert.talent_id}" if public_url else None,
                     f"{public_url}/alerts" if public_url else None, alert.is_demo)


def figure_lines(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The alert's figures as (label, value) lines, in a stable order."""
    return [(key.replace("_", " "), _value(value)) for key, value in sorted(figures.items())]


def alert_email(view: AlertView, unsubscribe_url: str | None) -> dict[str, str]:
    """Subject, plain text and HTML of an alert email."""
    subject = f"{'[DEMO] ' if view.is_demo else ''}[Alert] {view.title}"
    context = {"v": view, "unsubscribe_url": unsubscribe_url}
    env = environment()
    return {"subject": _one_line(subject), "text": env.get_template("alert.txt.j2").render(context),
            "html": env.get_template("alert.html.j2").render(context)}


def alert_webhook(view: AlertView) -> dict[str, Any]:
    """A Slack-compatible incoming-webhook body: a plain fallback `text` and plain_text blocks."""
    context = f"{view.rule} · level {view.level} · {view.raised_local}" + (" · demo data" if view.is_demo else "")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": view.title[:SLACK_HEADER_MAX]}},
        {"type": "section", "text": {"type": "plain_text", "text": view.message}},
        {"type": "context", "elements": [{"type": "plain_text", "text": context}]},
    ]
    if view.talent_link:
        blocks.append({"type": "actions", "elements": [{"type": "button", "url": view.talent_link,
                                                        "text": {"type": "plain_text", "text": "Open talent"}}]})
    return {"text": slack_escape(f"{view.title}: {view.message}"), "mrkdwn": False, "blocks": blocks}


def slack_escape(text: str) -> str:
    """Slack's three control characters escaped, so user text never becomes a link or a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a header never carries a line break (header injection)


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
