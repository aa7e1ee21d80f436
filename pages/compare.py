"""Compare: 2–6 talents side by side, with roster percentiles and a CSV download."""

import streamlit as st

from intel.analytics.compare import MAX_TALENTS
from intel.analytics.compare import compare_csv as to_csv
from intel.service import talents as service
from intel.views import compare_charts as charts
from pages._wiring import DEMO_BANNER, page_start, shown_errors

identity = page_start("compare")
st.title("Compare talents", anchor=False)
with shown_errors():
    choices = dict(service.talent_choices(identity))
picked = st.multiselect("Talents", list(choices), format_func=lambda i: choices[i], max_selections=MAX_TALENTS,
                        key="compare_talents", placeholder="Choose 2 to 6 talents")
if len(picked) < 2:
    st.info("Choose at least two talents to compare.")
    st.stop()

with shown_errors():
    table, intels = service.compare_talents(identity, picked)
if any(i.is_demo for i in intels):
    st.warning(f"{DEMO_BANNER}: at least one talent here shows generated data.", icon="⚠️")

percent = st.column_config.NumberColumn(format="%.2f%%")
st.dataframe(table, hide_index=True, width="stretch", key="compare_table", column_config={
    "Followers": st.column_config.NumberColumn(format="compact"),
    "30-day growth %": percent,
    "Sentiment": st.column_config.NumberColumn(format="%.2f"),
    "Health": st.column_config.NumberColumn(format="%.0f"),
    **{c: percent for c in table.columns if c.startswith("Engagement")},
    **{c: st.column_config.NumberColumn(format="%.0f", help="Percentile within the roster")
       for c in table.columns if c.endswith("percentile")},
})
st.download_button("Download comparison (CSV)", to_csv(table), file_name="talent-comparison.csv",
                   mime="text/csv", key="compare_csv", on_click="ignore")
growth, sentiment = st.columns(2)
growth.plotly_chart(charts.growth_indexed_figure(intels), key="chart_compare_growth")
sentiment.plotly_chart(charts.sentiment_compare_figure(intels), key="chart_compare_sentiment")
st.plotly_chart(charts.engagement_compare_figure(intels), key="chart_compare_engagement")
