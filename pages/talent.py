"""Talent: one talent's social intelligence, with a rate-limited refresh."""

import streamlit as st

from intel.analytics.result import AUDIENCE_ESTIMATE_NOTE, platform_label
from intel.views import audience, charts, languages
from intel.views import tables as views
from intel.views.memo import figure
from pages._connections import comment_text_note, connections_section
from pages._period import caption as period_caption
from pages._period import period_picker
from pages._period import serve as serve_period
from pages._report import report_panel
from pages._talent_campaigns import campaigns_section
from pages._wiring import (
    DEMO_BANNER,
    md_escape,
    page_start,
    refresh_button,
    shown_errors,
    talent_picker,
    timezone_picker,
)

identity = page_start()
with shown_errors():
    talent_id = talent_picker(identity)
period = period_picker()
with shown_errors():
    served = serve_period(identity, talent_id, period)  # all data, or the period's figures (the report's too)
intel = served.intel

st.header(md_escape(intel.talent_name), anchor=False)
if intel.is_demo:
    st.warning(DEMO_BANNER, icon="⚠️")
if served.possibly_stale:
    st.warning("The database cannot be reached: showing the last saved analytics, which may be out of date.")
left, right = st.columns([5, 1], vertical_alignment="center")
left.caption(views.freshness_text(served))
with right:
    refresh_button(talent_id, identity)
period_row, report_row = st.columns([5, 1], vertical_alignment="center")
period_row.caption(md_escape(period_label := period_caption(served, period)))
with report_row:
    report_panel(identity, talent_id, intel.talent_name, period, period_label)
# Demo talents are generated: no platform account is ever connected to them (demo and real never mix).
connected = [] if intel.is_demo else connections_section(identity, talent_id)
campaigns_section(identity, talent_id)
if not intel.has_data:
    st.info(f"**{views.NO_DATA_TITLE}.** {views.NO_DATA_NEXT}", icon="📭")
    st.stop()  # no figures, no charts: nothing here is measured, and nothing is made up

warning = intel.sentiment.early_warning
if warning.triggered:
    st.error(f"Early warning: {warning.recent_negative_share.value:.0f}% of recent comments are negative, "
             f"against {warning.baseline_negative_share.value:.0f}% in the 30 days before.", icon="🚨")

for row in (views.kpis(intel), views.engagement_kpis(intel)):
    for column, kpi in zip(st.columns(max(len(row), 4)), row, strict=False):
        column.metric(kpi.label, kpi.value, kpi.delta, help=kpi.help)

# Each figure carries its own title; the page only adds section headings.
trend, sentiment = st.columns(2)
trend.plotly_chart(figure(intel, charts.follower_trend_figure), key="chart_followers")
sentiment.plotly_chart(figure(intel, charts.sentiment_trend_figure), key="chart_sentiment")
if (note := comment_text_note(connected)) is not None:
    sentiment.caption(md_escape(note))

st.subheader("Content performance", anchor=False)
st.plotly_chart(figure(intel, charts.top_posts_figure), key="chart_top_posts")
media, sponsored = st.columns(2)
media.plotly_chart(figure(intel, charts.media_type_figure), key="chart_media")
sponsored.plotly_chart(figure(intel, charts.sponsored_figure), key="chart_sponsored")

heat, health = st.columns(2)
platforms = list(intel.content.best_time) or ["—"]
platform = heat.selectbox("Best time to post: platform", platforms, format_func=platform_label,
                          key="best_time_platform")
heat.plotly_chart(figure(intel, charts.best_time_figure, platform), key="chart_best_time")
best_time = intel.content.best_time.get(platform)
with heat.expander("Best time table: posts per weekday and hour"):
    if best_time is not None:
        st.caption(md_escape(f"Local time in {best_time.timezone}, daylight saving time included."))
    st.dataframe(views.best_time_frame(best_time), hide_index=True, key="best_time_table",
                 column_config=dict(views.BEST_TIME_COLUMNS), placeholder=views.PLACEHOLDER)
with heat:
    timezone_picker(talent_id, identity)
health.plotly_chart(figure(intel, charts.health_figure), key="chart_health")

pos, neg = st.columns(2)
pos.subheader("Most positive comments", anchor=False)
pos.dataframe(views.comments_frame(intel.sentiment.most_positive), hide_index=True, key="most_positive",
              column_config=dict(views.COMMENT_COLUMNS), placeholder=views.PLACEHOLDER)
neg.subheader("Most negative comments", anchor=False)
neg.dataframe(views.comments_frame(intel.sentiment.most_negative), hide_index=True, key="most_negative",
              column_config=dict(views.COMMENT_COLUMNS), placeholder=views.PLACEHOLDER)

st.subheader("Comment languages", anchor=False)
shares, per_language = st.columns(2)
shares.plotly_chart(figure(intel, languages.language_share_figure), key="chart_languages")
per_language.dataframe(languages.languages_frame(intel), hide_index=True, key="comment_languages",
                       column_config=dict(languages.LANGUAGE_COLUMNS), placeholder=views.PLACEHOLDER)
per_language.caption(languages.LANGUAGES_CAPTION)

st.subheader(audience.TITLE, anchor=False)
st.caption(AUDIENCE_ESTIMATE_NOTE)
kpi = audience.audience_kpi(intel.audience)
st.metric(kpi.label, kpi.value, help=kpi.help)
st.dataframe(audience.components_frame(intel.audience), hide_index=True, key="audience_components",
             column_config=dict(audience.COMPONENT_COLUMNS), placeholder=views.PLACEHOLDER)
if intel.audience.events:
    st.dataframe(audience.events_frame(intel.audience.events), hide_index=True, key="audience_events",
                 column_config=dict(audience.EVENT_COLUMNS))

st.subheader("Top posts", anchor=False)
st.dataframe(views.posts_frame(intel.content.top_posts), hide_index=True, key="top_posts",
             column_config=dict(views.POST_COLUMNS), placeholder=views.PLACEHOLDER)
with st.expander("How these figures are computed"):
    st.dataframe({"Figure": list(intel.methodology), "Method": list(intel.methodology.values())},
                 hide_index=True, key="methodology")

from pages._share_links import share_links_section  # noqa: E402  (kept last: one import, one call)

share_links_section(identity, talent_id)
