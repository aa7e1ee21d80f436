"""Alert delivery on both databases, to a real SMTP server (STARTTLS, AUTH) and a local webhook: what arrives,
exactly once, with retries and backoff, preferences, quiet hours and access checked again at send time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import Engine, select, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from intel.alerts.deliver import deliver_due
from intel.config import Settings
from intel.connectors.crypto import TokenBox
from intel.db.alerts import AlertPreference, Delivery, InboxItem
from intel.db.engine import session_factory, transaction
from intel.db.models import AdminActivity, Talent
from intel.runtime import build_runtime, close, use
from intel.web.unsubscribe import routes
from tests.alerts.delivery_setup import KEY, NOW, PUBLIC_URL, alert_settings, cast, dropping_talent, raise_alerts
from tests.hook_server import HookServer
from tests.smtp_server import SmtpServer


@pytest.fixture
def smtp(tmp_path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def hook() -> Iterator[HookServer]:
    server = HookServer().start()
    yield server
    server.stop()


def _deliver(engine: Engine, settings: Settings, at: datetime = NOW):
    return deliver_due(session_factory(engine), settings, worker="test-worker", now=lambda: at)


def _deliveries(engine: Engine) -> list[Delivery]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def _actions(engine: Engine) -> list[str]:
    with session_factory(engine)() as s:
        return sorted(s.scalars(select(AdminActivity.action).where(AdminActivity.actor == "system:alerts")))


def test_an_alert_reaches_its_agent_once_as_multipart_email_with_one_click_unsubscribe(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    talent = dropping_talent(engine, people.agent)
    assert len(raise_alerts(engine, talent, settings)) == 1
    report = _deliver(engine, settings)
    assert (report.sent, report.failed) == (1, 0)
    [message] = smtp.box.to("agent@agency.test")
    assert message["Subject"] == "[Alert] Ana: Instagram followers down 3.0%"
    assert message["From"] == "Intel Alerts <alerts@agency.test>"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    assert "lost 300 followers (3.0%) in 7 days" in text and f"{PUBLIC_URL}/talent?talent={talent}" in text
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{PUBLIC_URL}/unsubscribe/{people.agent}.alert.")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@agency.test>")
    # Nothing more: the delivery is sent, the same computation evaluated again raises and queues nothing.
    assert raise_alerts(engine, talent, settings) == []
    assert _deliver(engine, settings, NOW + timedelta(hours=1)).sent == 0
    assert len(smtp.box.messages) == 1
    assert [(d.status, d.attempts, d.channel) for d in _deliveries(engine)] == [("sent", 1, "email")]
    assert "alert_delivered" in _actions(engine)


def test_user_text_in_the_html_part_is_escaped(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    raise_alerts(engine, dropping_talent(engine, people.agent, name="<b>Ana</b> & co"), settings)
    _deliver(engine, settings)
    [message] = smtp.box.messages
    html = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; co" in html and "<b>Ana</b>" not in html


def test_the_unsubscribe_link_switches_alert_emails_off_and_a_forged_one_does_nothing(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    raise_alerts(engine, dropping_talent(engine, people.agent), settings)
    _deliver(engine, settings)
    link = smtp.box.messages[0]["List-Unsubscribe"].strip("<>")
    path = link.removeprefix(PUBLIC_URL)
    runtime = build_runtime(settings.replace(database_url=engine.url.render_as_string(hide_password=False)))
    try:
        with use(runtime), TestClient(Starlette(routes=routes())) as client:
            assert client.get(path).status_code == 200  # a confirmation page: a GET changes nothing
            with session_factory(engine)() as s:
                assert s.get(AlertPreference, people.agent) is None
            forged = path.rsplit(".", 1)[0] + ".AAAA"
            assert client.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404
            answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
            assert answer.status_code == 200 and "no more alert emails" in answer.text
    finally:
        close(runtime)
    with session_factory(engine)() as s:
        prefs = s.get(AlertPreference, people.agent)
        assert prefs is not None and prefs.email_enabled is False and prefs.digest_enabled is True
    # The next alert reaches the inbox only.
    second = dropping_talent(engine, people.agent, name="Bea")
    raise_alerts(engine, second, settings)
    assert _deliver(engine, settings).sent == 0 and len(smtp.box.messages) == 1
    with session_factory(engine)() as s:
        assert s.scalar(select(InboxItem.id).where(InboxItem.user_id == people.agent).order_by(InboxItem.id.desc()))


def test_temporary_refusals_back_off_then_count_as_failed(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings(), retry_s=(60, 300))
    raise_alerts(engine, dropping_talent(engine, people.agent), settings)
    smtp.box.temporary_failures = 10
    assert _deliver(engine, settings).retried == 1
    [delivery] = _deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.not_before) == ("pending", 1, NOW + timedelta(seconds=60))
    assert "451" in (delivery.last_error or "")
    assert _deliver(engine, settings, NOW + timedelta(seconds=59)).retried == 0  # not due yet
    assert _deliver(engine, settings, NOW + timedelta(seconds=60)).retried == 1
    assert _deliveries(engine)[0].not_before == NOW + timedelta(seconds=360)
    assert _deliver(engine, settings, NOW + timedelta(seconds=360)).failed == 1
    assert [(d.status, d.attempts) for d in _deliveries(engine)] == [("failed", 3)]
    assert smtp.box.messages == [] and "alert_delivery_failed" in _actions(engine)


def test_a_refused_recipient_fails_at_once_and_recovers_nothing_by_retrying(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    raise_alerts(engine, dropping_talent(engine, people.agent), settings)
    smtp.box.refuse.add("agent@agency.test")
    assert _deliver(engine, settings).failed == 1
    assert [(d.status, d.attempts) for d in _deliveries(engine)] == [("failed", 1)]


def test_a_wrong_password_is_retried_not_dropped(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings({**smtp.settings(), "smtp_password": "wrong"})
    raise_alerts(engine, dropping_talent(engine, people.agent), settings)
    assert _deliver(engine, settings).retried == 1
    assert "535" in (_deliveries(engine)[0].last_error or "")


def test_an_unverifiable_relay_certificate_sends_nothing(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings({**smtp.settings(), "smtp_ca_file": None})  # the system CAs do not know it
    raise_alerts(engine, dropping_talent(engine, people.agent), settings)
    assert _deliver(engine, settings).retried == 1 and smtp.box.messages == []
    assert "CERTIFICATE_VERIFY_FAILED" in (_deliveries(engine)[0].last_error or "")


def _webhook_prefs(engine: Engine, user_id: int, url: str, *, email: bool = False) -> None:
    with transaction(engine) as s:
        s.add(AlertPreference(user_id=user_id, email_enabled=email, webhook_enabled=True,
                              webhook_url_encrypted=TokenBox((KEY,)).seal(url)))


def test_the_webhook_gets_a_slack_compatible_body_and_a_server_error_is_retried(engine, hook) -> None:
    people = cast(engine)
    settings = alert_settings(None)
    _webhook_prefs(engine, people.agent, hook.url)
    raise_alerts(engine, dropping_talent(engine, people.agent, name="*Ana* <@here>"), settings)
    [delivery] = _deliveries(engine)
    assert hook.url not in str(delivery.payload)  # the URL is a credential: only its ciphertext is stored
    hook.answers.append(500)
    assert _deliver(engine, settings).retried == 1
    assert _deliver(engine, settings, NOW + timedelta(seconds=60)).sent == 1
    [body] = hook.received
    assert body["mrkdwn"] is False and "&lt;@here&gt;" in body["text"]
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "context", "actions"]
    assert body["blocks"][0]["text"] == {"type": "plain_text", "text": "*Ana* <@here>: Instagram followers down 3.0%"}
    assert body["blocks"][3]["elements"][0]["url"].startswith(f"{PUBLIC_URL}/talent?talent=")


def test_a_removed_webhook_fails_at_once_and_a_rate_limit_waits_as_told(engine, hook) -> None:
    people = cast(engine)
    settings = alert_settings(None)
    _webhook_prefs(engine, people.agent, hook.url)
    raise_alerts(engine, dropping_talent(engine, people.agent), settings)
    hook.answers.extend([429, 404])
    assert _deliver(engine, settings).retried == 1
    assert _deliveries(engine)[0].not_before == NOW + timedelta(seconds=120)  # Retry-After beats the 60 s wait
    assert _deliver(engine, settings, NOW + timedelta(seconds=120)).failed == 1
    assert "404" in (_deliveries(engine)[0].last_error or "") and hook.received == []


def test_quiet_hours_hold_the_email_until_they_end_in_the_persons_zone(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    with transaction(engine) as s:
        s.add(AlertPreference(user_id=people.agent, timezone="Europe/Berlin", quiet_start=time(22, 0),
                              quiet_end=time(7, 0)))
    night = datetime(2026, 3, 28, 22, 30, tzinfo=NOW.tzinfo)  # 23:30 in Berlin, the night clocks go forward
    raise_alerts(engine, dropping_talent(engine, people.agent, end=night), settings, night)
    release = datetime(2026, 3, 29, 5, 0, tzinfo=NOW.tzinfo)  # 07:00 CEST
    assert _deliveries(engine)[0].not_before == release
    assert _deliver(engine, settings, release - timedelta(minutes=1)).sent == 0
    assert _deliver(engine, settings, release).sent == 1
    assert "Sun 29 Mar 2026" not in smtp.box.messages[0].get_body(("plain",)).get_content()  # raised on the 28th


def test_channels_follow_preferences_and_without_smtp_only_the_inbox_gets_it(engine, smtp) -> None:
    people = cast(engine)
    with transaction(engine) as s:
        s.add(AlertPreference(user_id=people.agent, email_enabled=False))
    raise_alerts(engine, dropping_talent(engine, people.agent), alert_settings(smtp.settings()))
    raise_alerts(engine, dropping_talent(engine, people.other, name="Bo"), alert_settings(None))
    assert _deliveries(engine) == []
    with session_factory(engine)() as s:
        assert sorted(s.scalars(select(InboxItem.user_id))) == sorted([people.agent, people.other])


def test_a_talent_handed_to_another_agent_before_the_send_is_not_sent_to_the_old_one(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    talent = dropping_talent(engine, people.agent)
    raise_alerts(engine, talent, settings)
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == talent).values(agent_id=people.other))
    assert _deliver(engine, settings).skipped == 1
    assert smtp.box.messages == []
    assert [(d.status, (d.last_error or "").startswith("no longer a recipient")) for d in _deliveries(engine)] == [
        ("skipped", True)]
    assert "alert_delivery_skipped" in _actions(engine)


def test_managers_who_follow_the_talent_get_it_and_other_agents_never_do(engine, smtp) -> None:
    from intel.db.alerts import TalentFollow

    people = cast(engine)
    settings = alert_settings(smtp.settings())
    talent = dropping_talent(engine, people.agent)
    with transaction(engine) as s:
        s.add(TalentFollow(user_id=people.manager, talent_id=talent))
        s.add(TalentFollow(user_id=people.other, talent_id=talent))  # an agent's follow gives no access
    raise_alerts(engine, talent, settings)
    _deliver(engine, settings)
    assert sorted(r for _, rcpts in smtp.box.envelopes for r in rcpts) == ["agent@agency.test",
                                                                           "manager@agency.test"]
