"""Ops (admins): cache health, the Prometheus figures, refresh activity, platform syncs, alert and digest
deliveries, the audit log and data freshness."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from intel.service import alert_delivery, ops, syncs
from intel.views import tables as views
from intel.views.text import plain
from pages._wiring import page_start, shown_errors

identity = page_start("ops")
st.title("Operations", anchor=False)

with shown_errors():
    cache = ops.overview(identity)
hit, compute, redis_col, errors = st.columns(4)
hit.metric("Cache hit rate", "unavailable" if cache.hit_rate is None else f"{cache.hit_rate:.1f}%",
           help=f"{cache.hits} hits, {cache.misses} misses (shared counters when Redis is up)")
compute.metric("Compute p50 / p95", "unavailable" if cache.compute_p50_ms is None else
               f"{cache.compute_p50_ms:.0f} / {cache.compute_p95_ms:.0f} ms")
redis_col.metric("Redis", cache.redis_status, help=f"cache store: {cache.store}")
errors.metric("Cache errors", cache.errors)

st.subheader("Prometheus figures", anchor=False)
with shown_errors():
    panel = ops.metrics_panel(identity)
st.caption(plain(f"What /metrics serves now ({panel.source}), counted since each process started."))
p_hits, p_misses, p_stale, p_compute, p_refresh = st.columns(5)
p_hits.metric("Hits (Prometheus)", panel.hits)
p_misses.metric("Misses (Prometheus)", panel.misses, help=f"{panel.errors} shared-store errors")
p_stale.metric("Stale served", panel.stale_served)
p_compute.metric("Computations p50 / p95", "none yet" if panel.compute_p50_ms is None else
                 f"{panel.compute_p50_ms:.0f} / {panel.compute_p95_ms or 0:.0f} ms",
                 help=f"{panel.computations} computations; quantiles estimated from the histogram's buckets")
p_refresh.metric("Refreshes", sum(panel.refreshes.values()),
                 help=", ".join(f"{outcome}: {n}" for outcome, n in panel.refreshes.items()))
runs_col, jobs_col = st.columns([3, 2])
runs_col.dataframe(panel.page_runs, hide_index=True, width="stretch", key="page_runs")
jobs_col.dataframe(panel.jobs, hide_index=True, width="stretch", key="jobs")

st.subheader("Refreshes, last 7 days", anchor=False)
with shown_errors():
    per_talent, per_actor = ops.refresh_activity(identity)
left, right = st.columns(2)
left.dataframe(per_talent, hide_index=True, width="stretch", key="refresh_per_talent")
right.dataframe(per_actor, hide_index=True, width="stretch", key="refresh_per_actor")

st.subheader("Platform connections and syncs", anchor=False)
with shown_errors():
    syncing = syncs.sync_overview(identity)
queued_col, delayed_col, dead_col, broken_col, quota_col = st.columns(5)
queued_col.metric("Syncs queued", "unavailable" if syncing.queued is None else syncing.queued,
                  help=f"queue: {syncing.queue}; running in this process: {syncing.running_here}")
delayed_col.metric("Waiting to retry", "unavailable" if syncing.delayed is None else syncing.delayed)
dead_col.metric("Failed every retry", "unavailable" if syncing.dead is None else syncing.dead)
broken_col.metric("Need reconnecting", sum(c.status != "connected" for c in syncing.connections),
                  help=f"of {len(syncing.connections)} connected profiles")
units, calls = syncing.quota_today.get("youtube", (0, 0))
quota_col.metric("YouTube quota today", f"{units:,} units", help=f"{calls:,} calls on today's Pacific quota day")
st.dataframe(views.connections_frame(syncing.connections), hide_index=True, width="stretch", key="connections",
             placeholder=views.PLACEHOLDER)

st.subheader("Alert and digest deliveries", anchor=False)
with shown_errors():
    outbox = alert_delivery.outbox_status(identity)
waiting_col, sending_col, sent_col, failed_col, skipped_col = st.columns(5)
oldest = "" if outbox.oldest_pending is None else f"; oldest due {outbox.oldest_pending:%d %b %H:%M} UTC"
waiting_col.metric("Waiting", outbox.by_status.get("pending", 0),
                   help=f"queued, in quiet hours or waiting to retry{oldest}")
sending_col.metric("Sending now", outbox.by_status.get("sending", 0))
sent_col.metric("Sent", outbox.by_status.get("sent", 0))
failed_col.metric("Failed every retry", outbox.by_status.get("failed", 0))
skipped_col.metric("Skipped", outbox.by_status.get("skipped", 0),
                   help="no longer to be sent: channel switched off, talent handed over, rule muted")
st.dataframe([{"Id": f.id, "Kind": f.kind, "Channel": f.channel, "To": f.recipient, "Attempts": f.attempts,
               "Queued": f.created_at, "Last error": f.last_error} for f in outbox.failed],
             hide_index=True, width="stretch", key="failed_deliveries", placeholder=views.PLACEHOLDER)

st.subheader("Data freshness", anchor=False)
with shown_errors():
    freshness = ops.freshness(identity)
st.dataframe(freshness, hide_index=True, width="stretch", key="freshness")

st.subheader("Activity log", anchor=False)
action_col, actor_col, since_col = st.columns(3)
with shown_errors():
    known_actions = ops.actions(identity)
action = action_col.selectbox("Action", ["(all)", *known_actions], key="log_action")
actor = actor_col.text_input("Actor contains", key="log_actor")
since = since_col.date_input("Since", value=datetime.now(UTC).date() - timedelta(days=30), key="log_since")
with shown_errors():
    log = ops.activity_log(identity, None if action == "(all)" else action, actor or None,
                           datetime.combine(since, time.min, tzinfo=UTC))
st.dataframe(log, hide_index=True, width="stretch", key="activity_log")
st.download_button("Download activity log (CSV)", ops.activity_csv(log), file_name="activity-log.csv",
                   mime="text/csv", key="activity_csv", on_click="ignore")
