"""Alerts: the person's inbox (acknowledge, snooze 24 h, mute the rule for the talent), their alert preferences and
muted rules; for managers, the talents they follow and per-talent thresholds."""

from collections.abc import Callable
from datetime import time
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from intel.accounts.access import can
from intel.config import timezone_names
from intel.errors import IntelError
from intel.service import alert_settings, alerts
from intel.service import talents as service
from intel.views.text import plain
from pages._wiring import TALENT_PAGE, page_start, shown_errors

STATE_LABELS = {"new": "🔴 New", "acknowledged": "✅ Acknowledged", "snoozed": "💤 Snoozed"}
TABS = ("Inbox", "Preferences", "Muted rules")
MANAGER_TABS = (*TABS, "Following", "Thresholds")
SHOWN = 50  # the newest alerts listed; older ones stay in the database

identity = page_start()
st.title("Alerts", anchor=False)
if identity.is_demo_viewer:
    st.info("The demo viewer has no alert inbox: alerts reach the signed-in agent of a talent and the managers who "
            "follow it. Sign in with an account to see yours.")
    st.stop()


def done(message: str) -> None:
    """Queue a confirmation toast and rerun, so the list and the sidebar count show the new state."""
    st.session_state["pending_toast"] = (message, "✅")
    st.rerun()


def attempt(call: Callable[[], object]) -> bool:
    """Run one service call; its refusal (a bad URL, a wrong zone) shown in plain words next to the form."""
    try:
        call()
    except IntelError as exc:
        st.error(plain(str(exc)))
        return False
    return True


def rule_label(rule: str) -> str:
    return rule.replace("_", " ").capitalize()


with shown_errors():
    prefs = alert_settings.preferences(identity)
    entries = alerts.inbox(identity, limit=SHOWN)
    unread = alerts.unread_count(identity)
zone = ZoneInfo(prefs.timezone or prefs.default_timezone)

managing = can(identity, "follow")
inbox_tab, prefs_tab, mutes_tab, *manager_tabs = st.tabs(MANAGER_TABS if managing else TABS)

with inbox_tab:
    if entries:
        st.caption(plain(f"{unread} unread · newest first · times in {zone.key}"))
    else:
        st.info("No alerts yet. You hear of your talents here when a rule trips (followers, engagement, comments, "
                "syncs, deliverables).")
    for entry in entries:
        with st.container(border=True, key=f"alert_{entry.id}"):
            st.markdown(f"**{plain(entry.title)}**")
            st.caption(plain(f"{entry.talent_name} · {rule_label(entry.rule)} · raised "
                             f"{entry.raised_at.astimezone(zone):%Y-%m-%d %H:%M} · {STATE_LABELS[entry.state]}"
                             + (" · condition cleared" if entry.cleared_at else "")
                             + (" · demo data" if entry.is_demo else "")))
            st.text(entry.message)
            ack, snooze, mute, link = st.columns([1, 1, 2, 2])
            if ack.button("Acknowledge", key=f"ack_{entry.id}", disabled=entry.state == "acknowledged"):
                with shown_errors():
                    alerts.acknowledge(identity, entry.id)
                done("Alert acknowledged")
            if snooze.button("Snooze 24 h", key=f"snooze_{entry.id}", disabled=entry.state != "new"):
                with shown_errors():
                    alerts.snooze(identity, entry.id)
                done("Alert snoozed for 24 hours")
            if mute.button("Mute this rule for this talent", key=f"mute_{entry.id}"):
                with shown_errors():
                    muted = alerts.mute(identity, entry.id)
                done(f"{rule_label(muted.rule)} muted for {muted.talent_name}")
            link.page_link(TALENT_PAGE, label="Open the talent", icon=":material/arrow_forward:",
                           query_params={"talent": str(entry.talent_id)})

with prefs_tab, st.form("alert_preferences"):
    email = st.checkbox("Email me my alerts", value=prefs.email_enabled, key="pref_email")
    webhook = st.checkbox("Post my alerts to a webhook (Slack-compatible)", value=prefs.webhook_enabled,
                          key="pref_webhook")
    st.caption("A webhook URL is stored (encrypted; it is never shown again)." if prefs.has_webhook else
               "No webhook URL stored.")
    url = st.text_input("Webhook URL (https://…; empty keeps the stored one)", type="password", key="pref_url")
    remove = st.checkbox("Remove the stored webhook URL", key="pref_remove", disabled=not prefs.has_webhook)
    digest = st.checkbox("Send me the weekly digest", value=prefs.digest_enabled, key="pref_digest")
    zones = ["", *timezone_names()]  # "": no zone of their own, i.e. INTEL_TIMEZONE
    picked_zone = st.selectbox("My time zone (for quiet hours)", zones, index=zones.index(prefs.timezone or ""),
                               format_func=lambda z: z or f"Default ({prefs.default_timezone})", key="pref_zone")
    quiet = st.checkbox("Quiet hours: hold emails and webhooks, deliver them after", key="pref_quiet",
                        value=prefs.quiet_start is not None)
    start_col, end_col = st.columns(2)
    start = start_col.time_input("Quiet from", value=prefs.quiet_start or time(22, 0), key="pref_quiet_start")
    end = end_col.time_input("Quiet until", value=prefs.quiet_end or time(7, 0), key="pref_quiet_end")
    if st.form_submit_button("Save preferences") and attempt(lambda: alert_settings.save_preferences(
            identity, email_enabled=email, webhook_enabled=webhook, digest_enabled=digest,
            timezone=picked_zone or None, quiet_start=start if quiet else None, quiet_end=end if quiet else None,
            webhook_url=url or None, remove_webhook=remove)):
        st.session_state.pop("pref_url", None)  # the URL is a credential: not kept in the session once stored
        done("Alert preferences saved")

with mutes_tab:
    with shown_errors():
        muted_rules = alerts.mutes(identity)
    if not muted_rules:
        st.caption("Nothing muted. Mute a rule for a talent from an alert in the inbox.")
    for m in muted_rules:
        text_col, button_col = st.columns([4, 1])
        text_col.text(f"{m.talent_name} · {rule_label(m.rule)} · muted {m.created_at.astimezone(zone):%Y-%m-%d}")
        if button_col.button("Unmute", key=f"unmute_{m.talent_id}_{m.rule}"):
            with shown_errors():
                alerts.unmute(identity, m.talent_id, m.rule)
            done(f"{rule_label(m.rule)} unmuted for {m.talent_name}")

if managing:
    follow_tab, threshold_tab = manager_tabs
    with shown_errors():
        choices = dict(service.talent_choices(identity))
    with follow_tab:
        with shown_errors():
            followed = alert_settings.follows(identity)
        st.caption("You hear of the alerts of the talents you follow, and they are in your weekly digest.")
        for f in followed:
            text_col, button_col = st.columns([4, 1])
            text_col.text(f"{f.talent_name} · since {f.since.astimezone(zone):%Y-%m-%d}")
            if button_col.button("Unfollow", key=f"unfollow_{f.talent_id}"):
                with shown_errors():
                    alert_settings.unfollow(identity, f.talent_id)
                done(f"No longer following {f.talent_name}")
        unfollowed = [t for t in choices if t not in {f.talent_id for f in followed}]
        to_follow = st.selectbox("Talent to follow", unfollowed, format_func=choices.get, key="follow_pick")
        if st.button("Follow", key="follow", disabled=to_follow is None) and to_follow is not None:
            with shown_errors():
                added = alert_settings.follow(identity, int(to_follow))
            done(f"Following {added.talent_name}")
    with threshold_tab:
        talent = st.selectbox("Talent", list(choices), format_func=choices.get, key="threshold_talent")
        if talent is not None:
            with shown_errors():
                rows = alert_settings.thresholds(identity, int(talent))
            st.dataframe(pd.DataFrame([{"Rule": rule_label(r.rule), "Meaning": r.meaning, "Default": r.default,
                                        "This talent": r.value, "Set by": r.set_by} for r in rows]),
                         hide_index=True, width="stretch", key="threshold_table")
            rule = st.selectbox("Rule", [r.rule for r in rows], format_func=rule_label, key="threshold_rule")
            current = next(r for r in rows if r.rule == rule)
            value = st.number_input("Threshold for this talent", value=current.value or current.default,
                                    key=f"threshold_value_{talent}_{rule}", format="%g")
            set_col, clear_col = st.columns(2)
            if set_col.button("Set threshold", key="threshold_set") and attempt(
                    lambda: alert_settings.set_threshold(identity, int(talent), rule, value)):
                done(f"{rule_label(rule)} threshold set for {choices[talent]}")
            if clear_col.button("Back to the default", key="threshold_clear", disabled=current.value is None) \
                    and attempt(lambda: alert_settings.clear_threshold(identity, int(talent), rule)):
                done(f"{rule_label(rule)} back to the default for {choices[talent]}")
